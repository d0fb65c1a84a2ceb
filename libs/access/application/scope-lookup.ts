import { Kysely, RawBuilder, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { departmentSpellings } from '../domain/grants';
import type { Scope, Visibility } from '../domain/permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a stored thing sits in the org tree: one primary-key lookup, undefined when it does not exist. */
export class ScopeLookup {
  constructor(private readonly db: Kysely<Database>) {}

  async sheet(sheetId: string): Promise<Scope | undefined> {
    if (!UUID.test(sheetId)) return undefined;
    return this.db.selectFrom('sheets').select(['department', 'unit']).where('sheet_id', '=', sheetId).executeTakeFirst();
  }

  async wardPlan(wardPlanId: string): Promise<Scope | undefined> {
    if (!UUID.test(wardPlanId)) return undefined;
    return this.db.selectFrom('ward_plans').select(['department']).where('ward_plan_id', '=', wardPlanId).executeTakeFirst();
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
      const inDepartment = sql`${sql.ref(department)} in (${sql.join(departmentSpellings(scope.department!))})`;
      return scope.unit === undefined ? inDepartment : sql`(${inDepartment} and ${sql.ref(unit!)} = ${scope.unit})`;
    });
  return conditions.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(conditions, sql` or `)})`;
}
