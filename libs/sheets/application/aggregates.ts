import { sql } from 'kysely';
import { executeInline, type InlineStatement } from '@shinchoku/event-store';
import { DomainError } from '../domain/errors';
import { decide } from '../domain/sheet.decide';
import { evolve } from '../domain/sheet.evolve';
import type { SheetCommand } from '../domain/sheet.commands';
import { UNCHANGING_EVENTS, type SheetEvent } from '../domain/sheet.events';
import type { Goal, Sheet } from '../domain/sheet.types';
import { decideWardPlan, evolveWardPlan, WardPlan, WardPlanCommand, WardPlanEvent } from '../domain/ward-plan';
import { fiscalYearLabel } from '@shinchoku/municipality';
import type { ProgressThresholds } from '../domain/progress';
import { type Aggregate, readSnapshot } from './command-runner';
import { INDICATOR_COLUMNS, rowsAsJson, sheetRows, wardPlanRow } from './current-state-rows';

export const sheetStream = (sheetId: string) => `sheet-${sheetId}`;
export const wardPlanStream = (wardPlanId: string) => `ward-plan-${wardPlanId}`;

/** Sheets, with the thresholds their projected progress states are judged by. */
export function sheetAggregate(thresholds: ProgressThresholds): Aggregate<Sheet, SheetCommand, SheetEvent> {
  const projection = (sheet: Sheet, version: number, previous?: Sheet): InlineStatement => {
    const before = previous && indicatorInputs(previous);
    const after = indicatorInputs(sheet);
    const current = [...after.keys()];
    const changed = before && new Set(current.filter((id) => !sameInputs(before.get(id), after.get(id)!)));
    const rows = sheetRows(sheet, version, thresholds, changed);
    // Without the state the table holds, every row but the current ones goes; with it, only the removed ones.
    const removed = before ? [...before.keys()].filter((id) => !after.has(id)) : undefined;
    const { progress_state, state } = rows.sheet;
    // project_sheet (db/migrations/project-sheet.ts) writes with plans cached in the session; see its comment.
    return {
      write: sql`project_sheet(${sheet.sheetId}::uuid, ${sheet.fiscalYear}::integer, ${sheet.department}::text, ${sheet.unit}::text,
        ${sheet.status}::text, ${progress_state}::text, ${version}::bigint, ${state}::jsonb,
        ${rowsAsJson(INDICATOR_COLUMNS, rows.indicators)}::jsonb, ${removed ?? null}::uuid[], ${current}::uuid[])`,
    };
  };
  return {
    name: 'sheet',
    stream: sheetStream,
    evolve,
    decide,
    projection,
    unchanging: UNCHANGING_EVENTS,
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
  for (const goal of sheet.goals)
    goal.indicators.forEach((indicator, position) => inputs.set(indicator.indicatorId, rowInputs(sheet, goal, position)));
  return inputs;
}

const sameInputs = (before: unknown[] | undefined, after: unknown[]) =>
  before !== undefined && before.every((input, i) => input === after[i]);

const wardPlanProjection = (plan: WardPlan, version: number): InlineStatement => {
  const { ward_plan_id, department, fiscal_year, state } = wardPlanRow(plan, version);
  return {
    write: sql`project_ward_plan(${ward_plan_id}::uuid, ${department}::text, ${fiscal_year}::integer, ${version}::bigint, ${state}::jsonb)`,
  };
};

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
      ? new DomainError('WardPlanAlreadyExists', `${plan.department} already has a ward plan for ${fiscalYearLabel(plan.fiscalYear)}`)
      : undefined,
};
