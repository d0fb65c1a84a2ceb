import { Kysely, sql } from 'kysely';
import { inScope, type Visibility } from '@shinchoku/access';
import type { Database } from '@shinchoku/database';
import { departmentName } from '@shinchoku/municipality';
import type { Sheet } from '../domain/sheet.types';
import type { Rating } from '../domain/assessment';
import type { ProgressState, ProgressThresholds } from '../domain/progress';
import type { SheetStatus } from '../domain/sheet.types';
import { viewOf, type IndicatorView } from '../domain/sheet.view';
import type { WardPlan } from '../domain/ward-plan';
import { sheetJson } from './sheet-json';

export interface ListFilter {
  fiscalYear?: number;
  department?: string;
  unit?: string;
  status?: string;
  /** A goal rating (○ △ ×) or 'unevaluated': sheets with such a goal, indicators under such a goal. */
  rating?: string;
  /** onTrack / atRisk / offTrack / noData: for sheets, the worst latest state of their indicators. */
  progressState?: string;
  /** Only rows the caller may see (see @shinchoku/access); absent = every row. */
  visible?: Visibility;
}

/**
 * An indicator across sheets. The org unit (課) and the measurement unit (単位) are both "unit"
 * where each lives alone; side by side they get names of their own.
 */
export interface IndicatorRow extends Omit<IndicatorView, 'unit'> {
  sheetId: string;
  fiscalYear: number;
  department: string;
  orgUnit: string;
  /** The org unit again, as clients written before `orgUnit` read it. */
  unit: string;
  measurementUnit: string | null;
  sheetStatus: SheetStatus;
  goalId: string;
  goalNo: number;
  goalText: string;
  goalRating: Rating | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Keyset pagination: a cursor is the sort key of the last item, so pages never skip or repeat under writes. */
const encode = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
function decode(cursor: string, length: number): unknown[] | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    return Array.isArray(key) && key.length === length ? key : undefined;
  } catch {
    return undefined;
  }
}

export class InvalidCursorError extends Error {}

/** A current sheet as GET sends it: its view rendered, and its version (the ETag). */
export interface RenderedSheet {
  /** The view's JSON as UTF-8, encoded once: sending it needs neither its length computed nor encoding again. */
  body: Buffer;
  version: number;
}

/** Reads of the inline projection: current state, always as fresh as the last command. */
export class SheetQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /** The current sheet's view rendered as JSON from its state, with its version. */
  async renderedSheet(sheetId: string, thresholds: ProgressThresholds): Promise<RenderedSheet | undefined> {
    const row = await this.db.selectFrom('sheets').select(['state', 'version']).where('sheet_id', '=', sheetId).executeTakeFirst();
    if (!row) return undefined;
    const version = Number(row.version);
    return { body: Buffer.from(sheetJson({ ...viewOf(row.state as Sheet, thresholds), version })), version };
  }

  async sheets(
    filter: ListFilter,
    limit: number,
    cursor?: string,
  ): Promise<Page<{ sheet: Sheet; version: number; progressState: ProgressState }>> {
    let query = this.db
      .selectFrom('sheets')
      .select(['state', 'version', 'progress_state', 'fiscal_year', 'department', 'unit', 'sheet_id']);
    if (filter.visible) query = query.where(inScope(filter.visible, 'department', 'unit'));
    if (filter.fiscalYear !== undefined) query = query.where('fiscal_year', '=', filter.fiscalYear);
    if (filter.department !== undefined) query = query.where('department', '=', departmentName(filter.department));
    if (filter.unit !== undefined) query = query.where('unit', '=', filter.unit);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.progressState !== undefined) query = query.where('progress_state', '=', filter.progressState);
    if (filter.rating === 'unevaluated') {
      query = query.where(sql<boolean>`jsonb_path_exists(state, '$.goals[*] ? (!exists(@.evaluation))')`);
    } else if (filter.rating !== undefined) {
      query = query.where(sql<boolean>`state->'goals' @> ${JSON.stringify([{ evaluation: { rating: filter.rating } }])}::jsonb`);
    }
    if (cursor) {
      const after = decode(cursor, 4);
      if (!after) throw new InvalidCursorError();
      query = query.where(
        sql<boolean>`(fiscal_year, department, unit, sheet_id) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]}::uuid)`,
      );
    }
    const rows = await query
      .orderBy('fiscal_year')
      .orderBy('department')
      .orderBy('unit')
      .orderBy('sheet_id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => ({
        sheet: row.state as Sheet,
        version: Number(row.version),
        progressState: row.progress_state as ProgressState,
      })),
      nextCursor: rows.length > limit && last ? encode([last.fiscal_year, last.department, last.unit, last.sheet_id]) : null,
    };
  }

  async indicators(filter: ListFilter, limit: number, cursor?: string): Promise<Page<IndicatorRow>> {
    let query = this.db.selectFrom('sheet_indicators').selectAll();
    if (filter.visible) query = query.where(inScope(filter.visible, 'department', 'unit'));
    if (filter.fiscalYear !== undefined) query = query.where('fiscal_year', '=', filter.fiscalYear);
    if (filter.department !== undefined) query = query.where('department', '=', departmentName(filter.department));
    if (filter.unit !== undefined) query = query.where('unit', '=', filter.unit);
    if (filter.status !== undefined) query = query.where('sheet_status', '=', filter.status);
    if (filter.progressState !== undefined) query = query.where('progress_state', '=', filter.progressState);
    if (filter.rating === 'unevaluated') query = query.where('goal_rating', 'is', null);
    else if (filter.rating !== undefined) query = query.where('goal_rating', '=', filter.rating);
    if (cursor) {
      const after = decode(cursor, 6);
      if (!after) throw new InvalidCursorError();
      query = query.where(
        sql<boolean>`(fiscal_year, department, unit, goal_no, position, indicator_id) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]}, ${after[4]}, ${after[5]}::uuid)`,
      );
    }
    const rows = await query
      .orderBy('fiscal_year')
      .orderBy('department')
      .orderBy('unit')
      .orderBy('goal_no')
      .orderBy('position')
      .orderBy('indicator_id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => {
        const { unit: measurementUnit, ...indicator } = row.indicator as IndicatorView & Pick<IndicatorRow, 'goalNo' | 'goalText'>;
        return {
          sheetId: row.sheet_id,
          fiscalYear: row.fiscal_year,
          department: row.department,
          orgUnit: row.unit,
          unit: row.unit,
          sheetStatus: row.sheet_status as SheetStatus,
          goalId: row.goal_id,
          goalRating: row.goal_rating as Rating | null,
          ...indicator,
          measurementUnit: measurementUnit ?? null,
        };
      }),
      nextCursor:
        rows.length > limit && last
          ? encode([last.fiscal_year, last.department, last.unit, last.goal_no, last.position, last.indicator_id])
          : null,
    };
  }

  async wardPlan(wardPlanId: string): Promise<{ plan: WardPlan; version: number } | undefined> {
    const row = await this.db
      .selectFrom('ward_plans')
      .select(['state', 'version'])
      .where('ward_plan_id', '=', wardPlanId)
      .executeTakeFirst();
    return row && { plan: row.state as WardPlan, version: Number(row.version) };
  }

  async wardPlans(filter: { department?: string; fiscalYear?: number; visible?: Visibility }) {
    let query = this.db.selectFrom('ward_plans').select(['state', 'version']);
    if (filter.visible) query = query.where(inScope(filter.visible, 'department'));
    if (filter.fiscalYear !== undefined) query = query.where('fiscal_year', '=', filter.fiscalYear);
    if (filter.department !== undefined) query = query.where('department', '=', departmentName(filter.department));
    const rows = await query.orderBy('fiscal_year', 'desc').orderBy('department').execute();
    return rows.map((row) => ({ plan: row.state as WardPlan, version: Number(row.version) }));
  }

  /**
   * The sheets holding any of these goals or indicators (as far as the indicator rows tell: a goal
   * without indicators is not found). An import uses it to refuse ids that belong to another sheet.
   */
  async owners(
    goalIds: readonly string[],
    indicatorIds: readonly string[],
  ): Promise<Array<{ sheetId: string; goalId: string; indicatorId: string }>> {
    if (goalIds.length === 0 && indicatorIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('sheet_indicators')
      .select(['sheet_id', 'goal_id', 'indicator_id'])
      .where((eb) =>
        eb.or([
          eb('indicator_id', '=', sql<string>`ANY(${[...indicatorIds]}::uuid[])`),
          eb('goal_id', '=', sql<string>`ANY(${[...goalIds]}::uuid[])`),
        ]),
      )
      .execute();
    return rows.map((row) => ({ sheetId: row.sheet_id, goalId: row.goal_id, indicatorId: row.indicator_id }));
  }
}
