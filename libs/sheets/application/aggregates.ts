import { sql } from 'kysely';
import { executeInline, type InlineStatement } from '@shinchoku/event-store';
import { DomainError } from '../domain/errors';
import { decide } from '../domain/sheet.decide';
import { evolve } from '../domain/sheet.evolve';
import type { SheetCommand } from '../domain/sheet.commands';
import type { SheetEvent } from '../domain/sheet.events';
import type { Goal, Sheet } from '../domain/sheet.types';
import { decideWardPlan, evolveWardPlan, WardPlan, WardPlanCommand, WardPlanEvent } from '../domain/ward-plan';
import { fiscalYearLabel } from '../domain/calendar';
import type { ProgressThresholds } from '../domain/progress';
import { viewOf, worstOf } from '../domain/sheet.view';
import { type Aggregate, readSnapshot } from './command-runner';

export const sheetStream = (sheetId: string) => `sheet-${sheetId}`;
export const wardPlanStream = (wardPlanId: string) => `ward-plan-${wardPlanId}`;

/** Sheets, with the thresholds their projected progress states are judged by. */
export function sheetAggregate(thresholds: ProgressThresholds): Aggregate<Sheet, SheetCommand, SheetEvent> {
  const projection = (sheet: Sheet, version: number, previous?: Sheet): InlineStatement => {
    const view = viewOf(sheet, thresholds);
    const before = previous && indicatorInputs(previous);
    const rows: Array<Record<string, unknown>> = [];
    const current: string[] = [];
    view.goals.forEach((goal, g) =>
      goal.indicators.forEach((indicator, position) => {
        current.push(indicator.indicatorId);
        const inputs = before && rowInputs(sheet, sheet.goals[g]!, position);
        if (inputs && sameInputs(before!.get(indicator.indicatorId), inputs)) return;
        rows.push({
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
          indicator: { ...indicator, goalNo: goal.no, goalText: goal.text },
        });
      }),
    );
    // Without the state the table holds, every row but the current ones goes; with it, only the removed ones.
    const removed = before ? [...before.keys()].filter((id) => !current.includes(id)) : undefined;
    const progressState = worstOf(view.goals.map((goal) => goal.progressState));
    return {
      // The version guard keeps a replay (rebuild) from ever putting an older state over a newer one;
      // the indicator rows follow only when the sheet row was written.
      ctes: (applied) => sql`
        sheet_row AS (
          INSERT INTO sheets (sheet_id, fiscal_year, department, unit, status, progress_state, version, state, view, updated_at)
          SELECT ${sheet.sheetId}::uuid, ${sheet.fiscalYear}::integer, ${sheet.department}, ${sheet.unit}, ${sheet.status},
                 ${progressState}, ${version}::bigint, ${JSON.stringify(sheet)}::jsonb, ${JSON.stringify({ ...view, version })}, now()
          WHERE ${applied}
          ON CONFLICT (sheet_id) DO UPDATE SET
            fiscal_year = excluded.fiscal_year, department = excluded.department, unit = excluded.unit,
            status = excluded.status, progress_state = excluded.progress_state, version = excluded.version,
            state = excluded.state, view = excluded.view, updated_at = excluded.updated_at
          WHERE sheets.version < excluded.version
          RETURNING 1
        )${
          removed?.length === 0
            ? sql``
            : sql`,
        removed_indicators AS (
          DELETE FROM sheet_indicators
          WHERE sheet_id = ${sheet.sheetId}::uuid AND EXISTS (SELECT FROM sheet_row)
            AND ${removed ? sql`indicator_id = ANY(${removed}::uuid[])` : sql`indicator_id <> ALL(${current}::uuid[])`}
        )`
        }${
          rows.length === 0
            ? sql``
            : sql`,
        indicator_rows AS (
          INSERT INTO sheet_indicators
          SELECT * FROM jsonb_populate_recordset(NULL::sheet_indicators, ${JSON.stringify(rows)}::jsonb)
          WHERE EXISTS (SELECT FROM sheet_row)
          ON CONFLICT (indicator_id) DO UPDATE SET
            fiscal_year = excluded.fiscal_year, department = excluded.department, unit = excluded.unit,
            sheet_status = excluded.sheet_status, goal_id = excluded.goal_id, goal_no = excluded.goal_no,
            goal_rating = excluded.goal_rating, position = excluded.position, name = excluded.name,
            progress_state = excluded.progress_state, latest_quarter = excluded.latest_quarter,
            achievement_rate = excluded.achievement_rate, indicator = excluded.indicator
          WHERE sheet_indicators.sheet_id = excluded.sheet_id
        )`
        }`,
    };
  };
  return {
    name: 'sheet',
    stream: sheetStream,
    evolve,
    decide,
    projection,
    project: (trx, sheet, version) => executeInline(trx, projection(sheet, version)),
    snapshot: (db, sheetId) => readSnapshot(db, 'sheets', 'sheet_id', sheetId, sheetStream(sheetId)),
    uniqueViolation: (constraint, sheet) =>
      constraint === 'sheets_unit_year_key'
        ? new DomainError(
            'SheetAlreadyExists',
            `${sheet.department} ${sheet.unit} already has a sheet for ${fiscalYearLabel(sheet.fiscalYear)}`,
          )
        : undefined,
  };
}

/**
 * Everything an indicator's row is made of. The state is folded immutably, so an indicator that no
 * event touched is the same object as before: when every input is identical, so is the row.
 */
const rowInputs = (sheet: Sheet, goal: Goal, position: number): unknown[] => [
  goal.indicators[position],
  position,
  goal.goalId,
  goal.no,
  goal.text,
  goal.evaluation?.rating,
  sheet.fiscalYear,
  sheet.department,
  sheet.unit,
  sheet.status,
];

function indicatorInputs(sheet: Sheet): Map<string, unknown[]> {
  const inputs = new Map<string, unknown[]>();
  for (const goal of sheet.goals) goal.indicators.forEach((indicator, position) => inputs.set(indicator.indicatorId, rowInputs(sheet, goal, position)));
  return inputs;
}

const sameInputs = (before: unknown[] | undefined, after: unknown[]) => before !== undefined && before.every((input, i) => input === after[i]);

const wardPlanProjection = (plan: WardPlan, version: number): InlineStatement => ({
  ctes: (applied) => sql`
    ward_plan_row AS (
      INSERT INTO ward_plans (ward_plan_id, department, fiscal_year, version, state, updated_at)
      SELECT ${plan.wardPlanId}::uuid, ${plan.department}, ${plan.fiscalYear}::integer, ${version}::bigint, ${JSON.stringify(plan)}::jsonb, now()
      WHERE ${applied}
      ON CONFLICT (ward_plan_id) DO UPDATE SET
        department = excluded.department, fiscal_year = excluded.fiscal_year, version = excluded.version,
        state = excluded.state, updated_at = excluded.updated_at
      WHERE ward_plans.version < excluded.version
    )`,
});

export const wardPlanAggregate: Aggregate<WardPlan, WardPlanCommand, WardPlanEvent> = {
  name: 'ward-plan',
  stream: wardPlanStream,
  evolve: evolveWardPlan,
  decide: decideWardPlan,
  projection: wardPlanProjection,
  project: (trx, plan, version) => executeInline(trx, wardPlanProjection(plan, version)),
  snapshot: (db, wardPlanId) => readSnapshot(db, 'ward_plans', 'ward_plan_id', wardPlanId, wardPlanStream(wardPlanId)),
  uniqueViolation: (constraint, plan) =>
    constraint === 'ward_plans_department_year_key'
      ? new DomainError(
          'WardPlanAlreadyExists',
          `${plan.department} already has a ward plan for ${fiscalYearLabel(plan.fiscalYear)}`,
        )
      : undefined,
};
