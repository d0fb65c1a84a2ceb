import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { Sheet } from '../domain/sheet.types';
import type { WardPlan } from '../domain/ward-plan';

export interface SheetFilter {
  fiscalYear?: number;
  department?: string;
  unit?: string;
  status?: string;
}

/** Reads of the inline projection: current state, always as fresh as the last command. */
export class SheetQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async sheet(sheetId: string): Promise<{ sheet: Sheet; version: number } | undefined> {
    const row = await this.db
      .selectFrom('sheets')
      .select(['state', 'version'])
      .where('sheet_id', '=', sheetId)
      .executeTakeFirst();
    return row && { sheet: row.state as Sheet, version: Number(row.version) };
  }

  async sheets(filter: SheetFilter): Promise<Array<{ sheet: Sheet; version: number }>> {
    let query = this.db.selectFrom('sheets').select(['state', 'version']);
    if (filter.fiscalYear !== undefined) query = query.where('fiscal_year', '=', filter.fiscalYear);
    if (filter.department !== undefined) query = query.where('department', '=', filter.department);
    if (filter.unit !== undefined) query = query.where('unit', '=', filter.unit);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const rows = await query.orderBy('fiscal_year', 'desc').orderBy('department').orderBy('unit').execute();
    return rows.map((row) => ({ sheet: row.state as Sheet, version: Number(row.version) }));
  }

  async wardPlan(wardPlanId: string): Promise<{ plan: WardPlan; version: number } | undefined> {
    const row = await this.db
      .selectFrom('ward_plans')
      .select(['state', 'version'])
      .where('ward_plan_id', '=', wardPlanId)
      .executeTakeFirst();
    return row && { plan: row.state as WardPlan, version: Number(row.version) };
  }

  async wardPlans(filter: { department?: string; fiscalYear?: number }) {
    let query = this.db.selectFrom('ward_plans').select(['state', 'version']);
    if (filter.fiscalYear !== undefined) query = query.where('fiscal_year', '=', filter.fiscalYear);
    if (filter.department !== undefined) query = query.where('department', '=', filter.department);
    const rows = await query.orderBy('fiscal_year', 'desc').orderBy('department').execute();
    return rows.map((row) => ({ plan: row.state as WardPlan, version: Number(row.version) }));
  }
}
