import { Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { StoredEvent } from '@shinchoku/event-store';
import type { Processor } from '@shinchoku/processors';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { evolveWardPlan, WardPlan, WardPlanEvent } from '@shinchoku/sheets/domain/ward-plan';
import { unitCompletion, wardOf, wardSummary } from './summaries';

type Followed = { kind: 'sheet'; state: Sheet } | { kind: 'ward-plan'; state: WardPlan };

const kindOf = (streamId: string): Followed['kind'] | undefined =>
  streamId.startsWith('sheet-') ? 'sheet' : streamId.startsWith('ward-plan-') ? 'ward-plan' : undefined;

const logger = new Logger('Summaries');

const keyOf = (f: Followed) => ({ ward: wardOf(f.state.department), fiscalYear: f.state.fiscalYear });

/**
 * Summaries per ward × fiscal year and quarterly completion per unit. It folds each sheet and
 * ward plan itself (into summary_streams), so replaying the feed from zero always gives the same
 * tables as following it live.
 */
export const summariesProcessor: Processor = {
  name: 'summaries',

  async handle(events: readonly StoredEvent[], trx: Transaction<Database>) {
    const relevant = events.filter((e) => kindOf(e.streamId));
    if (relevant.length === 0) return;
    const followed = await loadFollowed(trx, [...new Set(relevant.map((e) => e.streamId))]);
    const versions = new Map<string, number>();
    for (const event of relevant) {
      const kind = kindOf(event.streamId)!;
      const current = followed.get(event.streamId);
      // A stream that does not begin with its creation is not a sheet or plan we can summarise:
      // skip it rather than stop every summary behind it.
      if (!current && event.type !== 'SheetCreated' && event.type !== 'WardPlanCreated') {
        logger.warn(`skipping ${event.streamId} v${event.version} (${event.type}): the stream did not begin with its creation`);
        continue;
      }
      followed.set(
        event.streamId,
        kind === 'sheet'
          ? { kind, state: evolve(current?.state as Sheet | undefined, event as unknown as SheetEvent) }
          : { kind, state: evolveWardPlan(current?.state as WardPlan | undefined, event as unknown as WardPlanEvent) },
      );
      versions.set(event.streamId, event.version);
    }
    if (versions.size === 0) return;

    const touched = [...versions.keys()].map((streamId) => ({ streamId, ...followed.get(streamId)! }));
    await trx
      .insertInto('summary_streams')
      .values(
        touched.map((t) => ({
          stream_id: t.streamId,
          kind: t.kind,
          ward: keyOf(t).ward,
          fiscal_year: keyOf(t).fiscalYear,
          version: versions.get(t.streamId)!,
          state: JSON.stringify(t.state),
        })),
      )
      .onConflict((oc) =>
        oc.column('stream_id').doUpdateSet((eb) => ({ version: eb.ref('excluded.version'), state: eb.ref('excluded.state') })),
      )
      .execute();

    const sheets = touched.filter((t): t is { streamId: string } & Extract<Followed, { kind: 'sheet' }> => t.kind === 'sheet');
    if (sheets.length > 0) {
      await trx
        .insertInto('unit_completion')
        .values(
          sheets.map(({ state }) => ({
            sheet_id: state.sheetId,
            fiscal_year: state.fiscalYear,
            ward: wardOf(state.department),
            department: state.department,
            unit: state.unit,
            completion: JSON.stringify(unitCompletion(state)),
          })),
        )
        .onConflict((oc) => oc.column('sheet_id').doUpdateSet((eb) => ({ completion: eb.ref('excluded.completion') })))
        .execute();
    }

    const wards = new Map(touched.map((t) => [`${keyOf(t).ward}\u0000${keyOf(t).fiscalYear}`, keyOf(t)]));
    for (const { ward, fiscalYear } of wards.values()) await summarizeWard(trx, ward, fiscalYear);
  },

  async reset(trx: Transaction<Database>) {
    await trx.deleteFrom('ward_summaries').execute();
    await trx.deleteFrom('unit_completion').execute();
    await trx.deleteFrom('summary_streams').execute();
  },
};

async function loadFollowed(trx: Transaction<Database>, streamIds: string[]): Promise<Map<string, Followed>> {
  const rows = await trx.selectFrom('summary_streams').select(['stream_id', 'kind', 'state']).where('stream_id', 'in', streamIds).execute();
  return new Map(rows.map((row) => [row.stream_id, { kind: row.kind, state: row.state } as Followed]));
}

async function summarizeWard(trx: Transaction<Database>, ward: string, fiscalYear: number) {
  const rows = await trx
    .selectFrom('summary_streams')
    .select(['kind', 'state'])
    .where('ward', '=', ward)
    .where('fiscal_year', '=', fiscalYear)
    .execute();
  const plan = rows.find((r) => r.kind === 'ward-plan')?.state as WardPlan | undefined;
  const sheets = rows.filter((r) => r.kind === 'sheet').map((r) => r.state as Sheet);
  const summary = wardSummary(ward, fiscalYear, plan, sheets);
  await trx
    .insertInto('ward_summaries')
    .values({ ward, fiscal_year: fiscalYear, summary: JSON.stringify(summary) })
    .onConflict((oc) => oc.columns(['ward', 'fiscal_year']).doUpdateSet((eb) => ({ summary: eb.ref('excluded.summary') })))
    .execute();
}
