import { Logger } from '@nestjs/common';
import { sql, Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { ReplayedEvent } from '@shinchoku/event-store';
import type { Processor } from '@shinchoku/processors';
import { evolve, evolveWardPlan, WardPlan, WardPlanEvent, type SheetEvent, type Sheet } from '@shinchoku/sheets/domain';
import { unitCompletion, wardSummary } from './summaries';

type Followed = { kind: 'sheet'; state: Sheet } | { kind: 'ward-plan'; state: WardPlan };
type Touched = Followed & { streamId: string; version: number };
interface WardYear {
  ward: string;
  fiscalYear: number;
}

const PREFIXES = { sheet: 'sheet-', 'ward-plan': 'ward-plan-' } as const;

const kindOf = (streamId: string): Followed['kind'] | undefined =>
  streamId.startsWith(PREFIXES.sheet) ? 'sheet' : streamId.startsWith(PREFIXES['ward-plan']) ? 'ward-plan' : undefined;

const logger = new Logger('Summaries');

// A ward's sheets and its ward plan share its department's one name (see departmentName).
const keyOf = (f: Followed): WardYear => ({ ward: f.state.department, fiscalYear: f.state.fiscalYear });

/** Ward-years summarised in one statement when a rebuild summarises them all. */
const WARD_YEARS_PER_STATEMENT = 200;

/**
 * Summaries per ward × fiscal year and quarterly completion per unit. It folds each sheet and
 * ward plan itself (into summary_streams), so replaying the feed from zero always gives the same
 * tables as following it live. A ward's summary is derived from the final folds of its streams
 * alone, so a rebuild can take the streams one after another and summarise each ward once.
 */
export const summariesProcessor: Processor = {
  name: 'summaries',

  async handle(events, trx) {
    const relevant = events.filter((e) => kindOf(e.streamId));
    if (relevant.length === 0) return;
    const followed = await loadFollowed(trx, [...new Set(relevant.map((e) => e.streamId))]);
    const versions = new Map<string, number>();
    for (const event of relevant) {
      const next = follow(followed.get(event.streamId), event);
      if (!next) continue;
      followed.set(event.streamId, next);
      versions.set(event.streamId, event.version);
    }
    if (versions.size === 0) return;
    const touched = [...versions].map(([streamId, version]) => ({ streamId, version, ...followed.get(streamId)! }));
    await saveStreams(trx, touched);
    await summarizeWards(trx, touched.map(keyOf));
  },

  async reset(trx) {
    await trx.deleteFrom('ward_summaries').execute();
    await trx.deleteFrom('unit_completion').execute();
    await trx.deleteFrom('summary_streams').execute();
  },

  byStream: {
    prefixes: Object.values(PREFIXES),
    async handle(streams, trx) {
      const touched: Touched[] = [];
      for (const events of streams) {
        let current: Followed | undefined;
        for (const event of events) current = follow(current, event) ?? current;
        if (current) touched.push({ streamId: events[0]!.streamId, version: events.at(-1)!.version, ...current });
      }
      await saveStreams(trx, touched);
    },
    async finish(trx) {
      const all = await trx
        .selectFrom('summary_streams')
        .select(['ward', 'fiscal_year'])
        .distinct()
        .orderBy('ward')
        .orderBy('fiscal_year')
        .execute();
      for (let i = 0; i < all.length; i += WARD_YEARS_PER_STATEMENT) {
        await summarizeWards(
          trx,
          all.slice(i, i + WARD_YEARS_PER_STATEMENT).map((row) => ({ ward: row.ward, fiscalYear: row.fiscal_year })),
        );
      }
    },
  },
};

/**
 * The stream's fold with one more event; undefined to skip the event: a stream that does not
 * begin with its creation is not a sheet or plan we can summarise, and must not stop every
 * summary behind it.
 */
function follow(current: Followed | undefined, event: ReplayedEvent): Followed | undefined {
  const kind = kindOf(event.streamId)!;
  if (!current && event.type !== 'SheetCreated' && event.type !== 'WardPlanCreated') {
    logger.warn(`skipping ${event.streamId} v${event.version} (${event.type}): the stream did not begin with its creation`);
    return undefined;
  }
  return kind === 'sheet'
    ? { kind, state: evolve(current?.state as Sheet | undefined, event as unknown as SheetEvent) }
    : { kind, state: evolveWardPlan(current?.state as WardPlan | undefined, event as unknown as WardPlanEvent) };
}

async function loadFollowed(trx: Transaction<Database>, streamIds: string[]): Promise<Map<string, Followed>> {
  const rows = await trx.selectFrom('summary_streams').select(['stream_id', 'kind', 'state']).where('stream_id', 'in', streamIds).execute();
  return new Map(rows.map((row) => [row.stream_id, { kind: row.kind, state: row.state } as Followed]));
}

/** The streams' folds, and the quarterly completion of the sheets among them. */
async function saveStreams(trx: Transaction<Database>, touched: readonly Touched[]) {
  if (touched.length === 0) return;
  await trx
    .insertInto('summary_streams')
    .values(
      touched.map((t) => ({
        stream_id: t.streamId,
        kind: t.kind,
        ward: keyOf(t).ward,
        fiscal_year: keyOf(t).fiscalYear,
        version: t.version,
        state: JSON.stringify(t.state),
      })),
    )
    .onConflict((oc) =>
      oc.column('stream_id').doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), state: eb.ref('excluded.state') })),
    )
    .execute();

  const sheets = touched.flatMap((t) => (t.kind === 'sheet' ? [t.state] : []));
  if (sheets.length === 0) return;
  await trx
    .insertInto('unit_completion')
    .values(
      sheets.map((state) => ({
        sheet_id: state.sheetId,
        fiscal_year: state.fiscalYear,
        ward: state.department,
        department: state.department,
        unit: state.unit,
        completion: JSON.stringify(unitCompletion(state)),
      })),
    )
    .onConflict((oc) => oc.column('sheet_id').doUpdateSet((eb) => ({ completion: eb.ref('excluded.completion') })))
    .execute();
}

/** Recomputes the summaries of these ward-years from the folds of their streams, in one read and one write. */
async function summarizeWards(trx: Transaction<Database>, keys: readonly WardYear[]) {
  const wardYears = new Map(
    keys.map((k) => [`${k.ward}\u0000${k.fiscalYear}`, { ...k, plan: undefined as WardPlan | undefined, sheets: [] as Sheet[] }]),
  );
  if (wardYears.size === 0) return;
  const { rows } = await sql<{ ward: string; fiscal_year: number; kind: Followed['kind']; state: unknown }>`
    SELECT s.ward, s.fiscal_year, s.kind, s.state
      FROM summary_streams s
      JOIN unnest(${[...wardYears.values()].map((k) => k.ward)}::text[], ${[...wardYears.values()].map((k) => k.fiscalYear)}::integer[])
           AS k(ward, fiscal_year) USING (ward, fiscal_year)
     ORDER BY s.stream_id
  `.execute(trx);
  for (const row of rows) {
    const wardYear = wardYears.get(`${row.ward}\u0000${row.fiscal_year}`)!;
    if (row.kind === 'sheet') wardYear.sheets.push(row.state as Sheet);
    else wardYear.plan ??= row.state as WardPlan;
  }
  await trx
    .insertInto('ward_summaries')
    .values(
      [...wardYears.values()].map(({ ward, fiscalYear, plan, sheets }) => ({
        ward,
        fiscal_year: fiscalYear,
        summary: JSON.stringify(wardSummary(ward, fiscalYear, plan, sheets)),
      })),
    )
    .onConflict((oc) => oc.columns(['ward', 'fiscal_year']).doUpdateSet((eb) => ({ summary: eb.ref('excluded.summary') })))
    .execute();
}
