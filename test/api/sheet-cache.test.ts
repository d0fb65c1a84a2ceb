import { Client } from 'pg';
import { openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, SheetViewCache } from '@shinchoku/sheets';
import { startApi, type SmallSheet, type TestApi } from '../support/api';

/**
 * GET /sheets/{id} from each API process's memory: exact for this process's own commands, and for
 * everything else as soon as Postgres announces the change (migration 0006). The rules themselves,
 * with reads and announcements interleaved by hand: test/sheets/sheet-view-cache.test.ts.
 */
let api: TestApi;
/** Another session on the same database: what another process, an import or an operator does. */
let outside: Client;

beforeAll(async () => {
  api = await startApi();
  outside = new Client({ connectionString: api.database.url });
  await outside.connect();
});
afterAll(async () => {
  await outside.end();
  await api.close();
});

type Reads = Record<'hit' | 'miss' | 'off' | 'bypass', number>;

async function reads(on: TestApi = api): Promise<Reads> {
  const text = await (await fetch(`${on.url}/metrics`)).text();
  const count = (result: string) => Number(new RegExp(`^shinchoku_sheet_cache_reads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss'), off: count('off'), bypass: count('bypass') };
}

async function get(sheetId: string, headers: Record<string, string> = {}, on: TestApi = api) {
  const reply = await on.call('GET', `/api/v1/sheets/${sheetId}`, undefined, headers);
  expect(reply.status).toBe(200);
  return reply;
}

/** Polls until `check` holds: what another session commits arrives a moment later. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads the sheet until a read is answered from memory (the process is listening and has kept it). */
async function cached(sheetId: string, on: TestApi = api): Promise<void> {
  await until(async () => {
    const before = (await reads(on)).hit;
    await get(sheetId, {}, on);
    return (await reads(on)).hit > before;
  }, 'a read from memory');
}

/** Changes the stored view; `announced: false` is a change nobody hears of (as during a lost connection). */
async function changeView(sheetId: string, marker: string, { announced }: { announced: boolean }) {
  await outside.query('BEGIN');
  // Triggers do not fire for a session replicating changes: the write happens, the announcement does not.
  if (!announced) await outside.query('SET LOCAL session_replication_role = replica');
  const { rowCount } = await outside.query(`UPDATE sheets SET view = (view::jsonb || jsonb_build_object('marker', $2::text))::text WHERE sheet_id = $1`, [
    sheetId,
    marker,
  ]);
  await outside.query('COMMIT');
  expect(rowCount).toBe(1);
}

let unit = 0;
const sheet = (on: TestApi = api): Promise<SmallSheet> => on.smallSheet(`キャッシュ課${++unit}`, '窓口の改善', { name: '改善件数', target: '100' });

describe('GET sheet from memory', () => {
  it('shows each command of this process to the next read, with its version as the ETag', async () => {
    const { sheetId, indicatorId } = await sheet();
    await cached(sheetId);
    let version = 0;
    for (let value = 1; value <= 10; value++) {
      const put = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value });
      expect(put.status).toBe(200);
      version = put.body.version;
      const reply = await get(sheetId);
      expect(reply.body.version).toBe(version);
      expect(reply.headers.get('etag')).toBe(`"${version}"`);
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(reply.body.goals[0].indicators[0].progress['1']).toMatchObject({ value: { value } });
    }
    await cached(sheetId);
    const fromMemory = await get(sheetId);
    expect([fromMemory.body.version, fromMemory.headers.get('etag')]).toEqual([version, `"${version}"`]);
  });

  it('sees a change written outside this process once Postgres announces it', async () => {
    const { sheetId } = await sheet();
    await cached(sheetId);
    await changeView(sheetId, 'sql', { announced: true });
    await until(async () => (await get(sheetId)).body.marker === 'sql', 'the change made over SQL');
  });

  it("sees another process's command (the worker's ReminderSent, an import) once announced", async () => {
    const { sheetId, indicatorId } = await sheet();
    await cached(sheetId);
    const other = openDatabase({ url: api.database.url, poolSize: 2 });
    try {
      const commands = new SheetCommands(other.db, new EventStore(other.db), api.clock, api.resources.config.progressThresholds);
      const { version } = await commands.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 42 }, {
        actor: { id: 'u-elsewhere', name: '別の処理' },
        source: 'test',
      });
      await until(async () => (await get(sheetId)).body.version === version, 'the other process\'s command');
      expect((await get(sheetId)).body.goals[0].indicators[0].progress['1']).toMatchObject({ value: { value: 42 } });
    } finally {
      await other.close();
    }
  });

  it('answers from memory until told otherwise; Cache-Control: no-cache reads the database', async () => {
    const { sheetId } = await sheet();
    await cached(sheetId);
    await changeView(sheetId, 'unannounced', { announced: false });
    expect((await get(sheetId)).body.marker).toBeUndefined();
    const before = await reads();
    expect((await get(sheetId, { 'cache-control': 'no-cache' })).body.marker).toBe('unannounced');
    expect((await get(sheetId, { 'cache-control': 'max-stale=5, No-Cache' })).body.marker).toBe('unannounced');
    expect((await reads()).bypass).toBe(before.bypass + 2);
  });

  it('serves nothing it may have missed a change to after losing the connection it listens on, and serves again once listening', async () => {
    const { sheetId } = await sheet();
    await cached(sheetId);
    const { rowCount } = await outside.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'shinchoku-listener' AND datname = current_database()`,
    );
    expect(rowCount).toBe(1);
    // Unheard: only forgetting everything on the loss shows it.
    await changeView(sheetId, 'during the gap', { announced: false });
    await until(async () => (await get(sheetId)).body.marker === 'during the gap', 'the change made while not listening');
    await cached(sheetId);
    await changeView(sheetId, 'after', { announced: true });
    await until(async () => (await get(sheetId)).body.marker === 'after', 'a change announced after listening again');
  });
});

describe('GET sheet from memory, bounded', () => {
  let small: TestApi;
  beforeAll(async () => {
    small = await startApi({ SHEET_CACHE_ENTRIES: '2' });
  });
  afterAll(() => small.close());

  it('keeps at most SHEET_CACHE_ENTRIES sheets, the most recently read', async () => {
    const [a, b, c] = [await sheet(small), await sheet(small), await sheet(small)];
    await cached(a!.sheetId, small);
    await cached(b!.sheetId, small);
    await cached(c!.sheetId, small);
    expect(small.app.get(SheetViewCache, { strict: false }).size).toBe(2);
    const before = await reads(small);
    await get(c!.sheetId, {}, small);
    await get(b!.sheetId, {}, small);
    await get(a!.sheetId, {}, small);
    const after = await reads(small);
    expect([after.hit - before.hit, after.miss - before.miss]).toEqual([2, 1]);
    expect(small.app.get(SheetViewCache, { strict: false }).size).toBe(2);
  });
});
