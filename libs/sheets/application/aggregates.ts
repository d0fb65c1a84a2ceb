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
import { viewOf, worstOf } from '../domain/sheet.view';
import type { Aggregate } from './command-runner';

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
      const view = viewOf(sheet, thresholds);
      const row = {
        sheet_id: sheet.sheetId,
        fiscal_year: sheet.fiscalYear,
        department: sheet.department,
        unit: sheet.unit,
        status: sheet.status,
        progress_state: worstOf(view.goals.map((goal) => goal.progressState)),
        version,
        state: JSON.stringify(sheet),
        view: JSON.stringify({ ...view, version }),
        updated_at: sql<Date>`now()`,
      };
      // The version guard keeps a replay (rebuild) from ever putting an older state over a newer one.
      const written = await trx
        .insertInto('sheets')
        .values(row)
        .onConflict((oc) => oc.column('sheet_id').doUpdateSet(row).where('sheets.version', '<', String(version)))
        .returning('sheet_id')
        .executeTakeFirst();
      if (!written) return;
      await trx.deleteFrom('sheet_indicators').where('sheet_id', '=', sheet.sheetId).execute();
      const indicators = view.goals.flatMap((goal) =>
        goal.indicators.map((indicator, position) => ({
          indicator_id: indicator.indicatorId,
          sheet_id: sheet.sheetId,
          fiscal_year: sheet.fiscalYear,
          department: sheet.department,
          unit: sheet.unit,
          sheet_status: sheet.status,
          goal_id: goal.goalId,
          goal_no: goal.no,
          goal_rating: goal.evaluation?.rating ?? null,
          position,
          name: indicator.name,
          progress_state: indicator.progressState.latest?.state ?? 'noData',
          latest_quarter: indicator.progressState.latest?.quarter ?? null,
          achievement_rate: indicator.progressState.latest?.achievementRate ?? null,
          indicator: JSON.stringify({ ...indicator, goalNo: goal.no, goalText: goal.text }),
        })),
      );
      if (indicators.length > 0) await trx.insertInto('sheet_indicators').values(indicators).execute();
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
    const row = {
      ward_plan_id: plan.wardPlanId,
      department: plan.department,
      fiscal_year: plan.fiscalYear,
      version,
      state: JSON.stringify(plan),
      updated_at: sql<Date>`now()`,
    };
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
