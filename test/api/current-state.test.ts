import { sql } from 'kysely';
import { rebuildCurrentState, SheetCommands } from '@shinchoku/sheets';
import type { CommandSource } from '@shinchoku/sheets/application/command-runner';
import { rebuild } from '../../apps/shinchoku/src/rebuild';
import { SmallSheet, startApi, TestApi } from '../support/api';
import { enterSheet, EnteredSheet, indicatorsOf } from '../support/seed-entry';
import { 西区地域課 } from '../fixtures/seed-sheets';

/**
 * Commands write only the indicator rows whose inputs changed. Every column of the current-state
 * tables must still be exactly what a rebuild from zero writes, whichever field a command touched:
 * an indicator, its goal's number, text or rating, the goal's removal, the sheet's status.
 */
let api: TestApi;
let entered: EnteredSheet;
const quiet = { log() {}, error() {}, warn() {} };

beforeAll(async () => {
  api = await startApi();
  api.clock.set('2024-04-01T10:00:00+09:00');
  entered = await enterSheet(api, 西区地域課);
});
afterAll(() => api.close());

const ok = async (method: string, path: string, body?: unknown) => {
  const reply = await api.call(method, `/api/v1/sheets/${entered.sheetId}${path}`, body);
  if (reply.status >= 300) throw new Error(`${method} ${path} refused (${reply.status}): ${JSON.stringify(reply.body)}`);
};

/** Every column but updated_at, in a stable order. */
async function tables() {
  const db = api.resources.database.db;
  const sheets = await sql<Record<string, unknown>>`
    SELECT sheet_id, fiscal_year, department, unit, status, progress_state, version, state::text AS state
    FROM sheets ORDER BY sheet_id`.execute(db);
  const indicators = await sql<Record<string, unknown>>`
    SELECT indicator_id, sheet_id, fiscal_year, department, unit, sheet_status, goal_id, goal_no, goal_rating, position,
           name, progress_state, latest_quarter, achievement_rate, indicator::text AS indicator
    FROM sheet_indicators ORDER BY indicator_id`.execute(db);
  return { sheets: sheets.rows, indicators: indicators.rows };
}

async function expectRebuildToMatch() {
  const live = await tables();
  await rebuild(api.resources, ['current-state'], quiet);
  expect(await tables()).toEqual(live);
  return live;
}

const rowsOf = (live: Awaited<ReturnType<typeof tables>>, goalId: string) => live.indicators.filter((row) => row.goal_id === goalId);

describe('the current-state tables under commands that write only what changed', () => {
  it('match a rebuild after progress, a renumbered and revised goal and a renamed indicator', async () => {
    api.clock.set('2024-07-05T10:00:00+09:00');
    for (const { indicator, indicatorId } of indicatorsOf(西区地域課, entered)) {
      await ok('PUT', `/indicators/${indicatorId}/progress/1`, { value: indicator.progress![0] });
    }
    const [first, second] = entered.goals;
    await ok('PATCH', `/goals/${first!.goalId}`, { no: 9 });
    await ok('PATCH', `/goals/${second!.goalId}`, { text: '地域と大学の連携を支援します。' });
    await ok('PATCH', `/indicators/${first!.indicatorIds[1]}`, { name: '新規フォロワー獲得企画' });

    const live = await expectRebuildToMatch();
    expect(rowsOf(live, first!.goalId).map((row) => row.goal_no)).toEqual([9, 9]);
    expect(rowsOf(live, first!.goalId).map((row) => row.name)).toContain('新規フォロワー獲得企画');
    expect(rowsOf(live, second!.goalId).map((row) => JSON.parse(row.indicator as string).goalText)).toEqual([
      '地域と大学の連携を支援します。',
    ]);
  });

  it('match a rebuild after a goal is removed and others are evaluated', async () => {
    const [, second, third] = entered.goals;
    await ok('DELETE', `/goals/${third!.goalId}`);
    api.clock.set('2025-05-10T10:00:00+09:00');
    await ok('PUT', `/goals/${second!.goalId}/evaluation`, { rating: '×', reason: '提案が集まらなかった' });

    const live = await expectRebuildToMatch();
    expect(rowsOf(live, third!.goalId)).toEqual([]);
    expect(rowsOf(live, second!.goalId).map((row) => row.goal_rating)).toEqual(['×']);
    expect(live.indicators).toHaveLength(entered.goals.reduce((n, goal) => n + goal.indicatorIds.length, 0) - third!.indicatorIds.length);
  });

  it('match a rebuild after the sheet is closed and reopened', async () => {
    api.clock.set('2025-05-12T10:00:00+09:00');
    const [first, , , ...rest] = entered.goals;
    for (const goal of [first!, ...rest]) await ok('PUT', `/goals/${goal.goalId}/evaluation`, { rating: '△', reason: '一部未達成' });
    await ok('POST', '/close');
    const closed = await expectRebuildToMatch();
    expect(new Set(closed.indicators.map((row) => row.sheet_status))).toEqual(new Set(['closed']));

    await ok('POST', '/reopen', { reason: '評価の見直し' });
    const reopened = await expectRebuildToMatch();
    expect(new Set(reopened.indicators.map((row) => row.sheet_status))).toEqual(new Set(['active']));
  });

  it('match a rebuild after commands of many sheets, made at once, were appended together', async () => {
    const commands = api.app.get(SheetCommands);
    const sheets = [];
    for (let unit = 0; unit < 8; unit++)
      sheets.push(await api.smallSheet(`同時課${unit}`, '同時に記録します。', { name: '件数', target: '100' }));
    for (const quarter of [1, 2, 3]) {
      const source: CommandSource = { actor: { id: 'u-group', name: '同時' }, source: 'test' };
      await Promise.all(
        sheets.map(({ sheetId, indicatorId }, i) =>
          commands.run(sheetId, { type: 'RecordProgress', indicatorId, quarter, value: 10 * quarter + i }, source),
        ),
      );
    }
    const { rows } = await sql<{ streams: number }>`
      SELECT count(DISTINCT stream_id)::int AS streams FROM events GROUP BY transaction_id ORDER BY 1 DESC LIMIT 1`.execute(
      api.resources.database.db,
    );
    expect(rows[0]!.streams).toBeGreaterThan(1);
    await expectRebuildToMatch();
  });
});

describe('a rebuild beside the live tables', () => {
  const source: CommandSource = { actor: { id: 'u-load', name: '負荷' }, source: 'test' };
  /**
   * A command waiting for the held rebuild would never answer: it fails the test with this message
   * rather than by the test's timeout. Not a measure of speed (a loaded machine takes seconds).
   */
  const ANSWERS_WITHIN_MS = 30_000;
  const within = <T>(ms: number, work: Promise<T>) =>
    Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

  it('accepts commands while it runs, and ends equal to the live tables, the commands made meanwhile included', async () => {
    // A store of a few thousand events over a few dozen sheets, entered in-process (the runner HTTP uses).
    const commands = api.app.get(SheetCommands);
    const small = [];
    for (let unit = 0; unit < 24; unit++)
      small.push(await api.smallSheet(`課${unit}`, '地域の魅力を発信します。', { name: '発信件数', target: '1000' }));
    // Four sheets at a time, well inside the API's pool (10 connections): all 24 at once queue for a
    // connection, and on a loaded machine past the pool's wait bound (DATABASE_POOL_WAIT_MS).
    for (let first = 0; first < small.length; first += 4)
      await Promise.all(
        small.slice(first, first + 4).map(async ({ sheetId, indicatorId }) => {
          for (let value = 1; value <= 100; value++) {
            await commands.run(
              sheetId,
              { type: 'RecordProgress', indicatorId, quarter: 1 + (value % 4), value, ...(value > 4 && { reason: '訂正' }) },
              source,
            );
          }
        }),
      );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(api.resources.database.db);
    expect(rows[0]!.n).toBeGreaterThan(2_000);

    // The rebuild is held half-way through the sheets (it has read some, not others) while commands run.
    let halfway!: () => void;
    let resume!: () => void;
    const reached = new Promise<void>((resolve) => (halfway = resolve));
    const held = new Promise<void>((resolve) => (resume = resolve));
    const store = api.resources.store;
    const paced = new Proxy(store, {
      get: (target, name) =>
        name === 'streamsInOrder'
          ? async function* (prefix: string, ...rest: unknown[]) {
              let streams = 0;
              for await (const stream of (store.streamsInOrder as (...args: unknown[]) => AsyncGenerator<unknown>)(prefix, ...rest)) {
                yield stream;
                if (prefix !== 'sheet-' || ++streams !== 12) continue;
                halfway();
                await held;
              }
            }
          : (Reflect.get(target, name, target) as unknown),
    });
    const schema = async () =>
      (
        await sql`SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid::regclass::text IN ('sheets', 'sheet_indicators', 'ward_plans') AND contype <> 'n'
                 UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('sheets', 'sheet_indicators', 'ward_plans') ORDER BY 1, 2`.execute(
          api.resources.database.db,
        )
      ).rows;
    const schemaBefore = await schema();
    expect(schemaBefore).toContainEqual({ conname: 'sheets_unit_year_key', definition: 'UNIQUE (fiscal_year, department, unit)' });
    const ordered = [...small].sort((a, b) => (a.sheetId < b.sheetId ? -1 : 1));
    const rebuilding = rebuildCurrentState(api.resources.database.db, paced, api.resources.config.progressThresholds);
    let fresh: SmallSheet | undefined;
    try {
      await reached;
      // Sheets the rebuild has read already, and sheets it has yet to read; a sheet that is new.
      for (const { sheetId, indicatorId } of [ordered[0]!, ordered[1]!, ordered.at(-1)!]) {
        const reply = await within(
          ANSWERS_WITHIN_MS,
          api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: '500', reason: '再集計' }),
        );
        expect(reply.status).toBe(200);
      }
      fresh = await within(ANSWERS_WITHIN_MS, api.smallSheet('新設課', '新しい目標です。', { name: '件数', target: '10' }));
    } finally {
      resume();
    }
    await rebuilding;
    // The copies took the live tables' place under the same names: constraints, keys and indexes.
    expect(await schema()).toEqual(schemaBefore);

    const live = await expectRebuildToMatch();
    const progress = (sheetId: string) => live.sheets.find((row) => row.sheet_id === sheetId)!;
    for (const { sheetId } of [ordered[0]!, ordered.at(-1)!])
      expect(JSON.parse(progress(sheetId).state as string)).toMatchObject({
        goals: [{ indicators: [{ progress: { 1: { value: { value: 500 } } } }] }],
      });
    expect(progress(fresh.sheetId)).toBeDefined();
    // 2,400 commands and a rebuild: seconds on a quiet machine, a minute or more on a loaded one.
  }, 180_000);
});
