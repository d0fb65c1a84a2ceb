import { randomUUID } from 'node:crypto';
import { CommandIdReusedError, EventStore } from '@shinchoku/event-store';
import { VersionMismatch } from '@shinchoku/sheets/application/command-errors';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { TestClock } from '../support/api';
import { useTestStore } from '../support/test-database';

/**
 * A runner remembers the state its last command left, and decides the next command on it. Two
 * runners over one database stand for two API processes: each one's memory goes stale when the
 * other writes, and every answer must still be the one the stored stream gives.
 */
const ctx = useTestStore(10);
const clock = new TestClock(new Date('2024-07-05T10:00:00+09:00'));
const from = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };
/** Counts the lookups of processed commands, the round trip a keyed command no longer makes up front. */
class CountingStore extends EventStore {
  lookups = 0;
  override processedCommand(...args: Parameters<EventStore['processedCommand']>) {
    this.lookups++;
    return super.processedCommand(...args);
  }
}
let store: CountingStore;
let here: SheetCommands;
let there: SheetCommands;
let sheetId: string;
let goalId: string;
let indicatorId: string;

beforeAll(() => {
  store = new CountingStore(ctx.database.db);
  here = new SheetCommands(ctx.database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS);
  there = new SheetCommands(ctx.database.db, new EventStore(ctx.database.db), clock, DEFAULT_PROGRESS_THRESHOLDS);
});

// Each test starts from a sheet this runner wrote last (so it remembers it), with one indicator.
beforeEach(async () => {
  sheetId = randomUUID();
  goalId = randomUUID();
  indicatorId = randomUUID();
  await here.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: `地域課${sheetId}` }, from);
  await here.run(sheetId, { type: 'AddGoal', goalId, text: '魅力を発信します。' }, from);
  await here.run(sheetId, { type: 'DefineIndicator', goalId, indicatorId, name: 'SNS発信件数', unit: '件', target: '190件' }, from);
});

const typesOf = async () => (await ctx.store.readStream(`sheet-${sheetId}`)).map((event) => event.type);
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('a remembered state that another process made stale', () => {
  it('is refused by the append, and the command is decided again on the stored stream', async () => {
    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
    const outcome = await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 45 }, from);
    expect(outcome).toEqual({ version: 7, appended: 1 });
    // Decided on the remembered state, it would have been a first ProgressRecorded.
    expect((await typesOf()).slice(-3)).toEqual(['SheetActivated', 'ProgressRecorded', 'ProgressCorrected']);
  });

  it('does not turn into a no-op that the stored stream does not make one', async () => {
    await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 41 }, from);
    // Remembered: 40 is already there. Stored: 41 is, so 40 is a correction.
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from)).toEqual({
      version: 8,
      appended: 1,
    });
    expect((await typesOf()).slice(-2)).toEqual(['ProgressCorrected', 'ProgressCorrected']);
  });

  it('answers a no-op with the stored version, not the remembered one', async () => {
    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
    // The same value again changes nothing, at the version the other process reached.
    expect(await here.run(sheetId, { type: 'SetTarget', indicatorId, text: '190件' }, from)).toEqual({ version: 6, appended: 0 });
  });

  it('does not reject what the stored stream allows', async () => {
    const added = randomUUID();
    await there.run(
      sheetId,
      { type: 'DefineIndicator', goalId, indicatorId: added, name: '協働数', unit: '団体', target: '530団体以上' },
      from,
    );
    // Remembered, the indicator does not exist: IndicatorNotFound.
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId: added, quarter: 1, value: 120 }, from)).toEqual({
      version: 8,
      appended: 2,
    });
  });

  it('accepts an If-Match of the stored version, and answers a stale one with 412, not 409', async () => {
    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 2, value: 80 }, { ...from, ifMatch: 6 })).toEqual({
      version: 7,
      appended: 1,
    });

    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 3, value: 120 }, from);
    const stale = await refusalOf(
      here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 4, value: 160 }, { ...from, ifMatch: 7 }),
    );
    expect(stale).toBeInstanceOf(VersionMismatch);
    expect(stale).toMatchObject({ expectedVersion: 7, actualVersion: 8 });
  });
});

describe('a command with an idempotency key', () => {
  const keyed = (key: string) => ({ ...from, idempotencyKey: key });

  it('is not looked up before a first run: the append checks the key', async () => {
    const before = store.lookups;
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, keyed(`q1-${sheetId}`))).toEqual({
      version: 6,
      appended: 2,
    });
    expect(store.lookups).toBe(before);
  });

  it('gets its first answer again, whether the retry decides a no-op, new events or a refusal', async () => {
    const key = `q1-${sheetId}`;
    const first = await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, keyed(key));
    expect(first).toEqual({ version: 6, appended: 2 });
    // A no-op now: 40 is there.
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, keyed(key))).toEqual({
      version: 6,
      appended: 0,
    });
    // New events now (41 is there), which the append refuses to take twice.
    await there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 41 }, from);
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, keyed(key))).toEqual({
      version: 6,
      appended: 0,
    });
    // A refusal now (version 6 is stale): the first answer all the same.
    expect(await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, { ...keyed(key), ifMatch: 4 })).toEqual({
      version: 6,
      appended: 0,
    });
    expect(await typesOf()).toHaveLength(7);
  });

  it('is refused when the key was used for another command, whether or not it would append', async () => {
    const key = `q1-${sheetId}`;
    await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, keyed(key));
    const appending = { type: 'RecordProgress', indicatorId, quarter: 2, value: 50 } as const;
    const unchanging = { type: 'SetTarget', indicatorId, text: '190件' } as const;
    for (const command of [appending, unchanging]) {
      expect(await refusalOf(here.run(sheetId, command, keyed(key)))).toBeInstanceOf(CommandIdReusedError);
    }
    expect(await typesOf()).toHaveLength(6);
  });
});
