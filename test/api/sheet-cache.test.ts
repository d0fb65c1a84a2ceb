import { Client } from 'pg';
import { openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, SheetViewCache } from '@shinchoku/sheets';
import { startApi, type SmallSheet, type TestApi } from '../support/api';

/**
 * GET /sheets/{id} from each API process's memory: exact for this process's own commands, and for
 * every other writer once the process sees the change committed (SheetChanges, migration 0006). The
 * cache's rules, with reads and changes interleaved by hand: test/sheets/sheet-view-cache.test.ts.
 */
/** How often the API here asks what changed. */
const POLL_MS = 20;
let api: TestApi;
/** Another session on the same database: what another process, an import or an operator does. */
let outside: Client;

beforeAll(async () => {
  api = await startApi({ SHEET_CACHE_POLL_MS: String(POLL_MS) });
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

const MARK = `UPDATE sheets SET view = (view::jsonb || jsonb_build_object('marker', $2::text))::text WHERE sheet_id = $1`;

/** Changes the stored view over SQL; `reported: false` is a change that cannot be seen as one (the row is not stamped). */
async function changeView(sheetId: string, marker: string, { reported }: { reported: boolean }) {
  await outside.query('BEGIN');
  // Triggers do not fire for a session replicating changes: the write happens, the stamp does not.
  if (!reported) await outside.query('SET LOCAL session_replication_role = replica');
  const { rowCount } = await outside.query(MARK, [sheetId, marker]);
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

  it('sees a change written outside this process once committed', async () => {
    const { sheetId } = await sheet();
    await cached(sheetId);
    await changeView(sheetId, 'sql', { reported: true });
    await until(async () => (await get(sheetId)).body.marker === 'sql', 'the change made over SQL');
  });

  it('sees changes in whatever order they commit, however long the transaction making one ran', async () => {
    const [slow, quick] = [await sheet(), await sheet()];
    await cached(slow.sheetId);
    await cached(quick.sheetId);
    const long = new Client({ connectionString: api.database.url });
    await long.connect();
    try {
      await long.query('BEGIN');
      await long.query(MARK, [slow.sheetId, 'slow']);
      // Began first, commits last: a later transaction's change is seen while this one still runs.
      await changeView(quick.sheetId, 'quick', { reported: true });
      await until(async () => (await get(quick.sheetId)).body.marker === 'quick', 'the change committed while an older transaction runs');
      expect((await get(slow.sheetId)).body.marker).toBeUndefined();
      await long.query('COMMIT');
      await until(async () => (await get(slow.sheetId)).body.marker === 'slow', 'the older transaction\'s change, committed last');
    } finally {
      await long.end();
    }
  });

  it("sees another process's command (the worker's ReminderSent, an import) once committed", async () => {
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
    // Its creation is reported a look or two later, dropping it once more; then it stays.
    await new Promise((resolve) => setTimeout(resolve, 10 * POLL_MS));
    await cached(sheetId);
    await changeView(sheetId, 'unseen', { reported: false });
    expect((await get(sheetId)).body.marker).toBeUndefined();
    const before = await reads();
    expect((await get(sheetId, { 'cache-control': 'no-cache' })).body.marker).toBe('unseen');
    expect((await get(sheetId, { 'cache-control': 'max-stale=5, No-Cache' })).body.marker).toBe('unseen');
    expect((await reads()).bypass).toBe(before.bypass + 2);
  });

  it('serves nothing while it cannot ask what changed, and serves again once it can', async () => {
    const { sheetId } = await sheet();
    await cached(sheetId);
    // The look for changes fails (as it would with the database unreachable); reads still work.
    await outside.query('ALTER TABLE sheets RENAME COLUMN changed_by TO changed_by_hidden');
    try {
      await until(async () => {
        const before = (await reads()).off;
        await get(sheetId);
        return (await reads()).off > before;
      }, 'reads without the cache');
      // Unseen: only having forgotten everything shows it.
      await changeView(sheetId, 'meanwhile', { reported: false });
      expect((await get(sheetId)).body.marker).toBe('meanwhile');
    } finally {
      await outside.query('ALTER TABLE sheets RENAME COLUMN changed_by_hidden TO changed_by');
    }
    await cached(sheetId);
    expect((await get(sheetId)).body.marker).toBe('meanwhile');
    await changeView(sheetId, 'after', { reported: true });
    await until(async () => (await get(sheetId)).body.marker === 'after', 'a change once it can ask again');
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
