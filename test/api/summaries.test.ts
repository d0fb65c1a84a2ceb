import { sql } from 'kysely';
import { ProcessorRunner } from '@shinchoku/processors';
import { summariesProcessor } from '@shinchoku/summaries';
import type { Processor } from '@shinchoku/processors';
import { rebuild } from '../../apps/shinchoku/src/rebuild';
import { startApi, TestApi } from '../support/api';
import { runShinchoku, budgetFor } from '../support/app-process';
import { uniquePrefix } from '../support/test-database';
import { enterSheet, indicatorsOf } from '../support/seed-entry';
import { 東区WardPlan, 東区健康福祉課 } from '../fixtures/seed-sheets';

// Tests here run the built CLI (`rebuild all` is three: the command and a process per lane): see budgetFor.
jest.setTimeout(budgetFor(3));

let api: TestApi;
let runner: ProcessorRunner;
const quiet = { log() {}, error() {}, warn() {} };

beforeAll(async () => {
  api = await startApi();
  runner = new ProcessorRunner(api.resources.database.db, api.resources.store, [summariesProcessor], { batchSize: 5, pollIntervalMs: 20 });

  api.clock.set('2020-04-01T10:00:00+09:00');
  await api.call('POST', '/api/v1/ward-plans', 東区WardPlan);
  const entered = await enterSheet(api, 東区健康福祉課);
  api.clock.set('2020-07-06T10:00:00+09:00');
  // Q1 for every indicator but the last two; 子育て支援講座 (100 a year) well behind pace.
  const all = [...indicatorsOf(東区健康福祉課, entered)];
  for (const [i, { indicatorId }] of all.slice(0, -2).entries()) {
    const value = i === 5 ? '5' : '30';
    await api.call('PUT', `/api/v1/sheets/${entered.sheetId}/indicators/${indicatorId}/progress/1`, { value });
  }
  api.clock.set('2021-05-10T10:00:00+09:00');
  await api.call('PUT', `/api/v1/sheets/${entered.sheetId}/goals/${entered.goals[0]!.goalId}/evaluation`, { rating: '○' });
  await api.call('PUT', `/api/v1/sheets/${entered.sheetId}/goals/${entered.goals[1]!.goalId}/evaluation`, { rating: '△' });
  await runner.catchUp(summariesProcessor);
});
afterAll(() => api.close());

/** A fingerprint of every projection table, to compare live tables with rebuilt ones. */
async function checksums() {
  const tables = {
    sheets: sql`SELECT md5(string_agg(sheet_id::text || version || progress_state || state::text, '|' ORDER BY sheet_id)) AS sum FROM sheets`,
    sheet_indicators: sql`SELECT md5(string_agg(indicator_id::text || progress_state || indicator::text, '|' ORDER BY indicator_id)) AS sum FROM sheet_indicators`,
    ward_plans: sql`SELECT md5(string_agg(ward_plan_id::text || version || state::text, '|' ORDER BY ward_plan_id)) AS sum FROM ward_plans`,
    summary_streams: sql`SELECT md5(string_agg(stream_id || version || state::text, '|' ORDER BY stream_id)) AS sum FROM summary_streams`,
    ward_summaries: sql`SELECT md5(string_agg(ward || fiscal_year || summary::text, '|' ORDER BY ward, fiscal_year)) AS sum FROM ward_summaries`,
    unit_completion: sql`SELECT md5(string_agg(sheet_id::text || completion::text, '|' ORDER BY sheet_id)) AS sum FROM unit_completion`,
  };
  const sums: Record<string, string> = {};
  for (const [name, query] of Object.entries(tables)) {
    sums[name] = ((await query.execute(api.resources.database.db)).rows[0] as { sum: string }).sum;
  }
  return sums;
}

describe('summaries', () => {
  it('counts 重点目標 with 目標数 / 達成数, ratings and indicators at risk for the ward', async () => {
    const reply = await api.call('GET', `/api/v1/summaries/wards/${encodeURIComponent('東区役所')}/2020`);
    expect(reply.status).toBe(200);
    const summary = reply.body;
    expect(summary).toMatchObject({
      ward: '東区',
      fiscalYear: 2020,
      fiscalYearLabel: '令和2年度',
      goalCount: 5,
      achievedCount: 1,
      sheets: 1,
    });
    expect(summary.ratings).toEqual({ '○': 1, '△': 1, '×': 0, unevaluated: 3 });
    expect(
      summary.priorityGoals.map((p: { no: number; achieved: boolean; goals: unknown[] }) => [p.no, p.achieved, p.goals.length]),
    ).toEqual([
      [1, false, 0],
      [2, true, 1],
      [3, false, 1],
      [4, false, 0],
      [5, false, 0],
    ]);
    expect(summary.indicatorsAtRisk).toEqual([
      expect.objectContaining({ unit: '健康福祉課', indicator: '主な子育て支援講座の開催', quarter: 1, state: 'offTrack' }),
    ]);
    expect(summary.updatedThrough).toEqual(expect.any(String));
  });

  it('shows each unit which quarters are missing where, and which are due', async () => {
    const year = (await api.call('GET', '/api/v1/summaries/fiscal-years/2020')).body;
    expect(year.units).toHaveLength(1);
    const unit = year.units[0];
    expect(unit).toMatchObject({ ward: '東区', unit: '健康福祉課', indicators: 8 });
    expect(unit.quarters['1']).toEqual({ recorded: 6, missing: ['区内小中学校への訪問', '・改善実践報告の件数'], due: true });
    expect(unit.quarters['4']).toMatchObject({ recorded: 0, due: true });
    expect(year.overdue.map((o: { quarter: number }) => o.quarter)).toEqual([1, 2, 3, 4]);
    expect((await api.call('GET', '/api/v1/summaries/wards/西区/2020')).status).toBe(404);
  });

  it('rebuilds every projection from zero to exactly the live tables', async () => {
    const live = await checksums();
    await rebuild(api.resources, ['current-state', 'summaries'], quiet);
    expect(await checksums()).toEqual(live);
  });

  it('rebuilds all on the command line, the current state and the summaries in two processes at once, to exactly the live tables', async () => {
    const live = await checksums();
    // Damaged tables, so a rebuild that did nothing could not pass.
    await sql`DELETE FROM sheet_indicators WHERE position = 0`.execute(api.resources.database.db);
    await sql`UPDATE sheets SET state = '{}', version = version + 1`.execute(api.resources.database.db);
    await sql`DELETE FROM ward_summaries`.execute(api.resources.database.db);
    await sql`UPDATE summary_streams SET state = '{}'`.execute(api.resources.database.db);
    expect(await checksums()).not.toEqual(live);

    const cli = runShinchoku(['rebuild', 'all'], { DATABASE_URL: api.database.url, QUEUE_PREFIX: uniquePrefix() });
    expect(await cli.exited).toBe(0);
    expect(await checksums()).toEqual(live);

    // Nest's log lines start with the process id: the first lane in the command's own process, the summaries in another.
    const pidOf = (name: string) => Number(new RegExp(`\\[Nest\\] (\\d+) .*rebuilt ${name}: `).exec(cli.output())?.[1]);
    expect(pidOf('current-state')).toBe(cli.child.pid);
    expect(pidOf('summaries')).toEqual(expect.any(Number));
    expect(pidOf('summaries')).not.toBe(cli.child.pid);
    // The reminder planner plans from the current state: after it, in its process.
    expect(pidOf('reminders')).toBe(cli.child.pid);
    expect(cli.output().indexOf('rebuilt reminders:')).toBeGreaterThan(cli.output().indexOf('rebuilt current-state:'));
  });

  it('resumes a processor aborted mid-batch and ends identical to a full rebuild', async () => {
    const expected = await checksums();
    let batches = 0;
    const crashing: Processor = {
      ...summariesProcessor,
      async handle(events, trx) {
        await summariesProcessor.handle(events, trx);
        if (++batches === 3) throw new Error('worker killed mid-batch');
      },
    };
    await expect(runner.rebuild(crashing)).rejects.toThrow('worker killed mid-batch');
    expect(await checksums()).not.toEqual(expected);
    await runner.catchUp(summariesProcessor);
    expect(await checksums()).toEqual(expected);
  });
});

describe('summaries on a store with a stream it cannot fold', () => {
  it('skips a sheet stream that does not begin with its creation and goes on with the rest', async () => {
    await api.resources.store.append(
      'sheet-00000000-0000-4000-8000-000000000000',
      0,
      [{ type: 'ProgressRecorded', data: { quarter: 1 } }],
      {
        actor: { id: 'test', name: 'test' },
        source: 'test',
      },
    );
    api.clock.set('2020-04-02T10:00:00+09:00');
    const { sheetId } = await api.smallSheet('東区建設課', '道路の安全', { name: '点検件数', target: '40' });
    await runner.catchUp(summariesProcessor);
    const year = (await api.call('GET', '/api/v1/summaries/fiscal-years/2024')).body;
    expect(year.units.map((u: { sheetId: string }) => u.sheetId)).toContain(sheetId);
  });
});
