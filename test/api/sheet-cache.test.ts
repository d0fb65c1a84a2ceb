import { Client } from 'pg';
import { DatabaseHandle, openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, SheetViewCache } from '@shinchoku/sheets';
import type { CommandSource } from '@shinchoku/sheets/application/command-runner';
import { rebuild } from '../../apps/shinchoku/src/rebuild';
import { startApi, type SmallSheet, type TestApi } from '../support/api';

/**
 * GET /sheets/{id} from each API process's memory: exact for this process's own commands, and for
 * every other writer once the process sees the change committed (SheetChanges, migration 0006). The
 * cache's rules, with reads and changes interleaved by hand: test/sheets/sheet-view-cache.unit.test.ts.
 */
/** How often the API here asks what changed. */
const POLL_MS = 20;
let api: TestApi;
/** Another session on the same database, for what no command does: SQL by hand. */
let outside: Client;
/** Commands from another process (the worker's ReminderSent, an import from the CLI, another API replica). */
let elsewhere: { database: DatabaseHandle; commands: SheetCommands };
const fromElsewhere: CommandSource = { actor: { id: 'u-elsewhere', name: '別の処理' }, source: 'test' };

beforeAll(async () => {
  api = await startApi({ SHEET_CACHE_POLL_MS: String(POLL_MS) });
  outside = new Client({ connectionString: api.database.url });
  await outside.connect();
  const database = openDatabase({ url: api.database.url, poolSize: 4 });
  elsewhere = {
    database,
    commands: new SheetCommands(database.db, new EventStore(database.db), api.clock, api.resources.config.progressThresholds),
  };
});
afterAll(async () => {
  await elsewhere.database.close();
  await outside.end();
  await api.close();
});

type Reads = Record<'hit' | 'miss' | 'off' | 'bypass', number>;

async function reads(on: TestApi = api): Promise<Reads> {
  const text = await (await fetch(`${on.url}/metrics`)).text();
  const count = (result: string) =>
    Number(new RegExp(`^shinchoku_sheet_cache_reads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
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

/** Changes the stored sheet by hand (its view shows the marker): no command, so nothing this process can see as a change. */
async function changeStored(sheetId: string, marker: string) {
  const { rowCount } = await outside.query(
    `UPDATE sheets SET state = state || jsonb_build_object('marker', $2::text) WHERE sheet_id = $1`,
    [sheetId, marker],
  );
  expect(rowCount).toBe(1);
}

/**
 * Waits until every earlier write has been reported: a look reports all that committed before its
 * snapshot, so one that reports a command committed now reported every earlier one too. The command
 * comes from elsewhere (this process's own commands update the cache directly) to a sheet still
 * answered from memory after it committed, so that the new version shows only once a look saw it.
 */
async function settle(): Promise<void> {
  const { sheetId, indicatorId } = await sheet();
  for (let value = 1; ; value++) {
    await cached(sheetId);
    const { version } = await elsewhere.commands.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value }, fromElsewhere);
    if ((await get(sheetId)).body.version !== version) {
      return until(async () => (await get(sheetId)).body.version === version, 'a look that saw the latest commit');
    }
  }
}

const progressOf = async (sheetId: string) => (await get(sheetId)).body.goals[0].indicators[0].progress['1']?.value.value;

let unit = 0;
const sheet = (on: TestApi = api): Promise<SmallSheet> =>
  on.smallSheet(`キャッシュ課${++unit}`, '窓口の改善', { name: '改善件数', target: '100' });

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

  it('answers 304 without a body when If-None-Match names the current version, 200 once it moved on', async () => {
    const { sheetId, indicatorId } = await sheet();
    const { version } = (await get(sheetId)).body;
    for (const header of [`"${version}"`, `W/"${version}"`, `"0", "${version}"`, '*']) {
      const unchanged = await api.call('GET', `/api/v1/sheets/${sheetId}`, undefined, { 'if-none-match': header });
      expect([unchanged.status, unchanged.body, unchanged.headers.get('etag')]).toEqual([304, undefined, `"${version}"`]);
    }
    const past = await api.call('GET', `/api/v1/sheets/${sheetId}?version=${version}`, undefined, { 'if-none-match': `"${version}"` });
    expect(past.status).toBe(304);

    const put = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: 7 });
    const changed = await get(sheetId, { 'if-none-match': `"${version}"` });
    expect(changed.body.version).toBe(put.body.version);
    expect(changed.headers.get('etag')).toBe(`"${put.body.version}"`);
  });

  it("sees another process's command once committed", async () => {
    const { sheetId, indicatorId } = await sheet();
    await cached(sheetId);
    const { version } = await elsewhere.commands.run(
      sheetId,
      { type: 'RecordProgress', indicatorId, quarter: 1, value: 42 },
      fromElsewhere,
    );
    await until(async () => (await get(sheetId)).body.version === version, "the other process's command");
    expect(await progressOf(sheetId)).toBe(42);
  });

  it('sees commands in whatever order they commit, however long the transaction of one ran', async () => {
    const [slow, quick] = [await sheet(), await sheet()];
    await cached(slow.sheetId);
    await cached(quick.sheetId);
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let appending!: () => void;
    const appended = new Promise<void>((resolve) => (appending = resolve));
    // Appends first and commits last: its transaction stays open until `finish`.
    const slowCommand = elsewhere.commands.run(
      slow.sheetId,
      { type: 'RecordProgress', indicatorId: slow.indicatorId, quarter: 1, value: 1 },
      {
        ...fromElsewhere,
        alongside: async () => {
          appending();
          await held;
        },
      },
    );
    await appended;
    await elsewhere.commands.run(
      quick.sheetId,
      { type: 'RecordProgress', indicatorId: quick.indicatorId, quarter: 1, value: 2 },
      fromElsewhere,
    );
    await until(async () => (await progressOf(quick.sheetId)) === 2, 'the command committed while an older transaction runs');
    expect(await progressOf(slow.sheetId)).toBeUndefined();
    finish();
    await slowCommand;
    await until(async () => (await progressOf(slow.sheetId)) === 1, 'the older command, committed last');
  });

  it('sees a rebuild of the current state, which changes sheets without events', async () => {
    const { sheetId } = await sheet();
    // A view the rebuild will not write, kept in memory:
    await changeStored(sheetId, 'before the rebuild');
    await settle();
    await cached(sheetId);
    expect((await get(sheetId)).body.marker).toBe('before the rebuild');
    await rebuild(api.resources, ['current-state'], { log() {}, error() {}, warn() {} });
    await until(async () => (await get(sheetId)).body.marker === undefined, 'the rebuilt view');
  });

  it('answers from memory until told otherwise; Cache-Control: no-cache reads the database', async () => {
    const { sheetId } = await sheet();
    await settle();
    await cached(sheetId);
    await changeStored(sheetId, 'unseen');
    expect((await get(sheetId)).body.marker).toBeUndefined();
    const before = await reads();
    expect((await get(sheetId, { 'cache-control': 'no-cache' })).body.marker).toBe('unseen');
    expect((await get(sheetId, { 'cache-control': 'max-stale=5, No-Cache' })).body.marker).toBe('unseen');
    expect((await reads()).bypass).toBe(before.bypass + 2);
  });

  it('serves nothing while it cannot ask what changed, and serves again once it can', async () => {
    const { sheetId, indicatorId } = await sheet();
    await cached(sheetId);
    // The look for changes fails (as it would with the database unreachable); reads still work.
    await outside.query('ALTER TABLE current_state_rebuilds RENAME TO hidden_rebuilds');
    try {
      await until(async () => {
        const before = (await reads()).off;
        await get(sheetId);
        return (await reads()).off > before;
      }, 'reads without the cache');
      // Unseen: only having forgotten everything shows it.
      await changeStored(sheetId, 'meanwhile');
      expect((await get(sheetId)).body.marker).toBe('meanwhile');
    } finally {
      await outside.query('ALTER TABLE hidden_rebuilds RENAME TO current_state_rebuilds');
    }
    await cached(sheetId);
    expect((await get(sheetId)).body.marker).toBe('meanwhile');
    const { version } = await elsewhere.commands.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 7 }, fromElsewhere);
    await until(async () => (await get(sheetId)).body.version === version, 'a change once it can ask again');
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
    await cached(a.sheetId, small);
    await cached(b.sheetId, small);
    await cached(c.sheetId, small);
    expect(small.app.get(SheetViewCache, { strict: false }).size).toBe(2);
    const before = await reads(small);
    await get(c.sheetId, {}, small);
    await get(b.sheetId, {}, small);
    await get(a.sheetId, {}, small);
    const after = await reads(small);
    expect([after.hit - before.hit, after.miss - before.miss]).toEqual([2, 1]);
    expect(small.app.get(SheetViewCache, { strict: false }).size).toBe(2);
  });
});
