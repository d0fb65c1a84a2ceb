import { Kysely, sql } from 'kysely';
import { warningsOf, type Indicator } from '@shinchoku/sheets/domain';

/**
 * Indicators now say how their quarters are entered (progressEntry) and their views carry
 * warnings. The events are not touched: a count defined by an event without progressEntry was
 * summed, and evolve reads it as `quarter`, so a rebuild gives these same rows. The stored current
 * state is brought to what that fold gives, without refolding the streams:
 *
 * - each count's state gets progressEntry `quarter` (the snapshot commands decide on);
 * - each indicator's view, in the sheet's view and in its sheet_indicators row, gets progressEntry
 *   (null for a level) after measure and its warnings after progressState. The progress states
 *   stored stay as they are: they were judged with the thresholds in force, which a migration does
 *   not know, and summing is still how these counts read;
 * - a row in current_state_rebuilds tells running API processes to drop the sheets they keep.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ sheet_id: string; state: StoredSheet; view: string }>`
      SELECT sheet_id, state, view FROM sheets WHERE sheet_id > ${after}::uuid ORDER BY sheet_id LIMIT 500`.execute(db);
    if (rows.length === 0) break;
    const sheets = rows.map(migrated);
    await sql`
      UPDATE sheets s SET state = m.state, view = m.view
        FROM jsonb_to_recordset(${JSON.stringify(sheets.map(({ sheet }) => sheet))}::jsonb) AS m(sheet_id uuid, state jsonb, view text)
       WHERE s.sheet_id = m.sheet_id`.execute(db);
    await sql`
      UPDATE sheet_indicators i SET indicator = m.indicator
        FROM jsonb_to_recordset(${JSON.stringify(sheets.flatMap(({ indicators }) => indicators))}::jsonb) AS m(indicator_id uuid, indicator jsonb)
       WHERE i.indicator_id = m.indicator_id`.execute(db);
    after = rows.at(-1)!.sheet_id;
  }
  await sql`INSERT INTO current_state_rebuilds DEFAULT VALUES ON CONFLICT DO NOTHING`.execute(db);
}

/** Nothing to undo that the code before would misread: it ignores both fields. */
export async function down(): Promise<void> {}

interface StoredSheet {
  goals: Array<{ goalId: string; indicators: Indicator[] }>;
}
type IndicatorView = Record<string, unknown> & { indicatorId: string };

function migrated(row: { sheet_id: string; state: StoredSheet; view: string }) {
  const state: StoredSheet = {
    ...row.state,
    goals: row.state.goals.map((goal) => ({ ...goal, indicators: goal.indicators.map(entered) })),
  };
  const byId = new Map(state.goals.flatMap((goal) => goal.indicators.map((indicator) => [indicator.indicatorId, indicator] as const)));
  const view = JSON.parse(row.view) as { goals: Array<{ no: number; text: string; indicators: IndicatorView[] }> };
  const indicators: Array<{ indicator_id: string; indicator: object }> = [];
  for (const goal of view.goals) {
    goal.indicators = goal.indicators.map((shown) => withEntry(shown, byId.get(shown.indicatorId)!));
    for (const shown of goal.indicators) {
      indicators.push({ indicator_id: shown.indicatorId, indicator: { ...shown, goalNo: goal.no, goalText: goal.text } });
    }
  }
  return { sheet: { sheet_id: row.sheet_id, state, view: JSON.stringify(view) }, indicators };
}

/** As evolve now folds an indicator defined without progressEntry. */
function entered(indicator: Indicator): Indicator {
  return indicator.measure === 'cumulative' && !indicator.progressEntry ? { ...indicator, progressEntry: 'quarter' } : indicator;
}

/** The view as indicatorView now orders it: progressEntry after measure, warnings after progressState. */
function withEntry(shown: IndicatorView, indicator: Indicator): IndicatorView {
  if ('progressEntry' in shown) return shown;
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shown)) {
    next[key] = value;
    if (key === 'measure') next.progressEntry = indicator.progressEntry ?? null;
    if (key === 'progressState') next.warnings = warningsOf(indicator);
  }
  return next as IndicatorView;
}
