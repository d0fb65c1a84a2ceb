import type { Insertable } from 'kysely';
import type { SheetIndicatorsTable, SheetsTable, WardPlansTable } from '@shinchoku/database';
import type { ProgressThresholds } from '../domain/progress';
import type { Sheet } from '../domain/sheet.types';
import { goalViewsOf, worstOf } from '../domain/sheet.view';
import type { WardPlan } from '../domain/ward-plan';
import { indicatorJson, sheetJson } from './sheet-json';

/** Rows as written, but for updated_at: the statement's now(). */
export type SheetRow = Omit<Insertable<SheetsTable>, 'updated_at'>;
export type IndicatorRow = Insertable<SheetIndicatorsTable>;
export type WardPlanRow = Omit<Insertable<WardPlansTable>, 'updated_at'>;

/**
 * A sheet's rows in the current-state tables (sheets, sheet_indicators): one definition for the
 * inline projection, which writes one sheet, and the rebuild, which writes many at a time.
 * With `only`, just those indicators' rows.
 */
export function sheetRows(
  sheet: Sheet,
  version: number,
  thresholds: ProgressThresholds,
  only?: ReadonlySet<string>,
): { sheet: SheetRow; indicators: IndicatorRow[] } {
  const goals = goalViewsOf(sheet, thresholds);
  return {
    sheet: {
      sheet_id: sheet.sheetId,
      fiscal_year: sheet.fiscalYear,
      department: sheet.department,
      unit: sheet.unit,
      status: sheet.status,
      progress_state: worstOf(goals.map((goal) => goal.progressState)),
      version,
      state: sheetJson(sheet),
    },
    indicators: goals.flatMap((goal) =>
      goal.indicators.flatMap((indicator, position) =>
        only && !only.has(indicator.indicatorId)
          ? []
          : [
              {
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
                // The view's own text of the indicator, with its goal's number and text added: the same
                // document as JSON.stringify({ ...indicator, goalNo, goalText }), without writing it again.
                indicator: `${indicatorJson(indicator).slice(0, -1)},"goalNo":${JSON.stringify(goal.no)},"goalText":${JSON.stringify(goal.text)}}`,
              },
            ],
      ),
    ),
  };
}

export function wardPlanRow(plan: WardPlan, version: number): WardPlanRow {
  return {
    ward_plan_id: plan.wardPlanId,
    department: plan.department,
    fiscal_year: plan.fiscalYear,
    version,
    state: JSON.stringify(plan),
  };
}

/** Each column's SQL type, for sending rows as JSON. */
export type Columns<Row> = { readonly [K in keyof Row]-?: string };

export const SHEET_COLUMNS: Columns<SheetRow> = {
  sheet_id: 'uuid',
  fiscal_year: 'integer',
  department: 'text',
  unit: 'text',
  status: 'text',
  progress_state: 'text',
  version: 'bigint',
  state: 'jsonb',
};

export const INDICATOR_COLUMNS: Columns<IndicatorRow> = {
  indicator_id: 'uuid',
  sheet_id: 'uuid',
  fiscal_year: 'integer',
  department: 'text',
  unit: 'text',
  sheet_status: 'text',
  goal_id: 'uuid',
  goal_no: 'integer',
  goal_rating: 'text',
  position: 'integer',
  name: 'text',
  progress_state: 'text',
  latest_quarter: 'integer',
  achievement_rate: 'double precision',
  indicator: 'jsonb',
};

export const WARD_PLAN_COLUMNS: Columns<WardPlanRow> = {
  ward_plan_id: 'uuid',
  department: 'text',
  fiscal_year: 'integer',
  version: 'bigint',
  state: 'jsonb',
};

/**
 * Rows as one JSON array text. The documents among the values (json and jsonb columns: already
 * JSON text) go in as they are rather than as JSON strings, whose escaping would cost as much
 * again on both sides.
 */
export function rowsAsJson<Row extends object>(columns: Columns<Row>, rows: readonly Row[]): string {
  const names = Object.keys(columns) as Array<keyof Row & string>;
  const documents = new Set(names.filter((name) => columns[name] === 'json' || columns[name] === 'jsonb'));
  return `[${rows
    .map(
      (row) =>
        `{${names.map((name) => `"${name}":${documents.has(name) ? (row[name] as string) : JSON.stringify(row[name] ?? null)}`).join(',')}}`,
    )
    .join(',')}]`;
}
