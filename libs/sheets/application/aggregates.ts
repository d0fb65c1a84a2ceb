import { sql } from 'kysely';
import { DomainError } from '../domain/errors';
import { decide } from '../domain/sheet.decide';
import { evolve } from '../domain/sheet.evolve';
import type { SheetCommand } from '../domain/sheet.commands';
import type { SheetEvent } from '../domain/sheet.events';
import type { Sheet } from '../domain/sheet.types';
import { decideWardPlan, evolveWardPlan, WardPlan, WardPlanCommand, WardPlanEvent } from '../domain/ward-plan';
import { fiscalYearLabel } from '../domain/calendar';
import type { ProgressThresholds } from '../domain/progress';
import type { Aggregate } from './command-runner';
import { sheetRows, wardPlanRow } from './current-state-rows';

export const sheetStream = (sheetId: string) => `sheet-${sheetId}`;
export const wardPlanStream = (wardPlanId: string) => `ward-plan-${wardPlanId}`;

/** Sheets, with the thresholds their projected progress states are judged by. */
export function sheetAggregate(thresholds: ProgressThresholds): Aggregate<Sheet, SheetCommand, SheetEvent> {
  return {
    name: 'sheet',
    stream: sheetStream,
    evolve,
    decide,
    async project(trx, sheet, version) {
      const rows = sheetRows(sheet, version, thresholds);
      const row = { ...rows.sheet, updated_at: sql<Date>`now()` };
      // The version guard keeps a replay (rebuild) from ever putting an older state over a newer one.
      const written = await trx
        .insertInto('sheets')
        .values(row)
        .onConflict((oc) => oc.column('sheet_id').doUpdateSet(row).where('sheets.version', '<', String(version)))
        .returning('sheet_id')
        .executeTakeFirst();
      if (!written) return;
      await trx.deleteFrom('sheet_indicators').where('sheet_id', '=', sheet.sheetId).execute();
      if (rows.indicators.length > 0) await trx.insertInto('sheet_indicators').values(rows.indicators).execute();
    },
    async snapshot(db, sheetId) {
      const row = await db.selectFrom('sheets').select(['state', 'version']).where('sheet_id', '=', sheetId).executeTakeFirst();
      return row && { state: row.state as Sheet, version: Number(row.version) };
    },
    uniqueViolation: (constraint, sheet) =>
      constraint === 'sheets_unit_year_key'
        ? new DomainError(
            'SheetAlreadyExists',
            `${sheet.department} ${sheet.unit} already has a sheet for ${fiscalYearLabel(sheet.fiscalYear)}`,
          )
        : undefined,
  };
}

export const wardPlanAggregate: Aggregate<WardPlan, WardPlanCommand, WardPlanEvent> = {
  name: 'ward-plan',
  stream: wardPlanStream,
  evolve: evolveWardPlan,
  decide: decideWardPlan,
  async project(trx, plan, version) {
    const row = { ...wardPlanRow(plan, version), updated_at: sql<Date>`now()` };
    await trx
      .insertInto('ward_plans')
      .values(row)
      .onConflict((oc) => oc.column('ward_plan_id').doUpdateSet(row).where('ward_plans.version', '<', String(version)))
      .execute();
  },
  async snapshot(db, wardPlanId) {
    const row = await db.selectFrom('ward_plans').select(['state', 'version']).where('ward_plan_id', '=', wardPlanId).executeTakeFirst();
    return row && { state: row.state as WardPlan, version: Number(row.version) };
  },
  uniqueViolation: (constraint, plan) =>
    constraint === 'ward_plans_department_year_key'
      ? new DomainError(
          'WardPlanAlreadyExists',
          `${plan.department} already has a ward plan for ${fiscalYearLabel(plan.fiscalYear)}`,
        )
      : undefined,
};
