import type { SheetCacheRead } from '@shinchoku/metrics';
import { SheetViewCache, type RenderedSheet } from '@shinchoku/sheets';

/**
 * The cache's rules, with the database stood in for by a table whose reads the test completes by
 * hand: so a change can be announced exactly while a read is under way. (Against the real
 * database and its announcements: test/api/sheet-cache.test.ts.)
 */
class Rows {
  readonly rows = new Map<string, RenderedSheet>();
  /** Reads under way, each answered with the row as it was when the read began (its snapshot). */
  readonly pending: Array<() => void> = [];
  reads = 0;
  /** When false, reads answer at once. */
  held = false;

  load = (sheetId: string): Promise<RenderedSheet | undefined> => {
    this.reads++;
    const row = this.rows.get(sheetId);
    if (!this.held) return Promise.resolve(row);
    return new Promise((resolve) => this.pending.push(() => resolve(row)));
  };

  write(sheetId: string, version: number) {
    this.rows.set(sheetId, { version, body: Buffer.from(`{"sheetId":"${sheetId}","version":${version}}`) });
  }

  answerAll() {
    this.held = false;
    for (const answer of this.pending.splice(0)) answer();
  }
}

let rows: Rows;
let results: SheetCacheRead[];
let cache: SheetViewCache;

const open = (capacity = 10) => {
  rows = new Rows();
  results = [];
  cache = new SheetViewCache(capacity, rows.load, { sheetCacheRead: (result) => results.push(result) });
};

beforeEach(() => open());

describe('the sheet view cache', () => {
  it('serves nothing until it hears changes, then keeps what it read', async () => {
    rows.write('a', 1);
    expect(await cache.read('a')).toEqual(rows.rows.get('a'));
    expect(await cache.read('a')).toEqual(rows.rows.get('a'));
    expect(rows.reads).toBe(2);
    cache.resume();
    await cache.read('a');
    await cache.read('a');
    expect(rows.reads).toBe(3);
    expect(results).toEqual(['off', 'off', 'miss', 'hit']);
  });

  it('reads again after a change is announced', async () => {
    cache.resume();
    rows.write('a', 1);
    await cache.read('a');
    rows.write('a', 2);
    expect((await cache.read('a'))?.version).toBe(1);
    cache.drop('a');
    expect((await cache.read('a'))?.version).toBe(2);
  });

  it('does not keep a read that a change overtook: it may hold the row from before that commit', async () => {
    cache.resume();
    rows.write('a', 1);
    rows.held = true;
    const before = cache.read('a');
    rows.write('a', 2);
    cache.drop('a');
    rows.answerAll();
    expect((await before)?.version).toBe(1);
    expect((await cache.read('a'))?.version).toBe(2);
    expect((await cache.read('a'))?.version).toBe(2);
    expect(results).toEqual(['miss', 'miss', 'hit']);
  });

  it('keeps a read no change overtook, even when another sheet changed meanwhile', async () => {
    cache.resume();
    rows.write('a', 1);
    rows.held = true;
    const read = cache.read('a');
    cache.drop('b');
    rows.answerAll();
    await read;
    await cache.read('a');
    expect(results).toEqual(['miss', 'hit']);
    expect(rows.reads).toBe(1);
  });

  it('shares a miss under way, but a read after a change does not join the read from before it', async () => {
    cache.resume();
    rows.write('a', 1);
    rows.held = true;
    const first = cache.read('a');
    const joined = cache.read('a');
    expect(rows.reads).toBe(1);
    rows.write('a', 2);
    cache.drop('a');
    const after = cache.read('a');
    expect(rows.reads).toBe(2);
    rows.answerAll();
    expect([(await first)?.version, (await joined)?.version, (await after)?.version]).toEqual([1, 1, 2]);
    expect((await cache.read('a'))?.version).toBe(2);
  });

  it('empties and stops serving when it may miss changes; a read under way then is not kept', async () => {
    cache.resume();
    rows.write('a', 1);
    rows.write('b', 1);
    await cache.read('a');
    rows.held = true;
    const underway = cache.read('b');
    cache.suspend();
    rows.write('a', 2);
    rows.write('b', 2);
    rows.answerAll();
    await underway;
    expect(cache.size).toBe(0);
    expect((await cache.read('a'))?.version).toBe(2);
    cache.resume();
    expect((await cache.read('b'))?.version).toBe(2);
    expect(results).toEqual(['miss', 'miss', 'off', 'miss']);
  });

  it('forgets everything when every sheet may have changed (TRUNCATE)', async () => {
    cache.resume();
    rows.write('a', 1);
    await cache.read('a');
    cache.dropAll();
    expect(cache.size).toBe(0);
  });

  it('reads the database for Cache-Control: no-cache, whatever it keeps', async () => {
    cache.resume();
    rows.write('a', 1);
    await cache.read('a');
    rows.write('a', 2);
    expect((await cache.read('a', true))?.version).toBe(2);
    expect(results).toEqual(['miss', 'bypass']);
  });

  it('does not keep an unknown sheet: it may be created at any moment', async () => {
    cache.resume();
    expect(await cache.read('a')).toBeUndefined();
    rows.write('a', 1);
    expect((await cache.read('a'))?.version).toBe(1);
  });

  it('keeps at most its capacity, dropping the least recently read', async () => {
    open(2);
    cache.resume();
    for (const id of ['a', 'b', 'c']) rows.write(id, 1);
    await cache.read('a');
    await cache.read('b');
    await cache.read('a');
    await cache.read('c');
    expect(cache.size).toBe(2);
    results.length = 0;
    await cache.read('a');
    await cache.read('c');
    await cache.read('b');
    expect(results).toEqual(['hit', 'hit', 'miss']);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with a capacity of 0', async () => {
    open(0);
    cache.resume();
    rows.write('a', 1);
    await cache.read('a');
    await cache.read('a');
    expect(rows.reads).toBe(2);
    expect(cache.size).toBe(0);
  });
});
