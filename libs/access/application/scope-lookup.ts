import { Kysely, RawBuilder, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import { departmentName } from '@shinchoku/municipality';
import type { Scope, Visibility } from '../domain/permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Enough for every sheet and ward plan of a city for years; past it the cache starts over. */
const CACHE_LIMIT = 50_000;

/**
 * Where a stored thing sits in the org tree: undefined when it does not exist. A sheet's department
 * and unit (a ward plan's department) are fixed when it is created, so once found they are kept
 * and the hot reads pay no query for their scope; what is not found yet is asked again.
 */
export class ScopeLookup {
  private readonly known = new Map<string, DeepReadonly<Scope>>();

  constructor(private readonly db: Kysely<Database>) {}

  sheet(sheetId: string): Promise<DeepReadonly<Scope> | undefined> {
    return this.cached(sheetId, () =>
      this.db.selectFrom('sheets').select(['department', 'unit']).where('sheet_id', '=', sheetId).executeTakeFirst(),
    );
  }

  wardPlan(wardPlanId: string): Promise<DeepReadonly<Scope> | undefined> {
    return this.cached(wardPlanId, () =>
      this.db.selectFrom('ward_plans').select(['department']).where('ward_plan_id', '=', wardPlanId).executeTakeFirst(),
    );
  }

  private async cached(id: string, find: () => Promise<Scope | undefined>): Promise<DeepReadonly<Scope> | undefined> {
    if (!UUID.test(id)) return undefined;
    const hit = this.known.get(id);
    if (hit) return hit;
    const found = await find();
    if (!found) return undefined;
    if (this.known.size >= CACHE_LIMIT) this.known.clear();
    const scope = frozen(found);
    this.known.set(id, scope);
    return scope;
  }
}

/**
 * The rows a list may show, as a WHERE condition on a table's department (and unit) columns.
 * Without a unit column (ward plans), unit-scoped grants show nothing: a 課 does not see its 区's
 * department-level records through a unit grant.
 */
export function inScope(visible: Visibility, department: string, unit?: string): RawBuilder<boolean> {
  if (visible === 'all') return sql<boolean>`true`;
  const conditions = visible
    .filter((scope) => unit !== undefined || scope.unit === undefined)
    .map((scope) => {
      const inDepartment = sql`${sql.ref(department)} = ${departmentName(scope.department!)}`;
      return scope.unit === undefined ? inDepartment : sql`(${inDepartment} and ${sql.ref(unit!)} = ${scope.unit})`;
    });
  return conditions.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(conditions, sql` or `)})`;
}
