import { EventStore, WrongExpectedVersionError } from '@shinchoku/event-store';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { useTestStore } from '../../support/test-database';
import { clock, from, sheetWithIndicator } from './support';

/**
 * Two processes writing one sheet: the second one's append comes in between the first one's read
 * and its append, every time the store is told to (`interrupt`). Real PostgreSQL decides who wins.
 */
const ctx = useTestStore(10);

class InterruptedStore extends EventStore {
  /** Appends to make by "the other process" just before each of this store's next appends. */
  interrupt: Array<() => Promise<unknown>> = [];
  appends = 0;
  // Commands append through a GroupCommit, which sends its groups with appendEach.
  override async appendEach(...args: Parameters<EventStore['appendEach']>) {
    await this.interrupt.shift()?.();
    this.appends++;
    return super.appendEach(...args);
  }
}

let store: InterruptedStore;
let here: SheetCommands;
let there: SheetCommands;

beforeEach(() => {
  store = new InterruptedStore(ctx.database.db);
  here = new SheetCommands(ctx.database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS);
  there = new SheetCommands(ctx.database.db, new EventStore(ctx.database.db), clock, DEFAULT_PROGRESS_THRESHOLDS);
});

describe('a version conflict with another process', () => {
  it('is retried on the new state, which the command is decided on again', async () => {
    const { sheetId, indicatorId, version } = await sheetWithIndicator(there);
    store.interrupt.push(() => there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from));
    const outcome = await here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 45 }, from);
    // The retry found 40 recorded (and the sheet activated): 45 is a correction of it.
    expect(outcome).toEqual({ version: version + 3, appended: 1 });
    expect(store.appends).toBe(2);
    const types = (await ctx.store.readStream(`sheet-${sheetId}`)).map((event) => event.type);
    expect(types.slice(-3)).toEqual(['SheetActivated', 'ProgressRecorded', 'ProgressCorrected']);
  });

  it('is answered, not retried, when the client pinned the version it saw (If-Match)', async () => {
    const { sheetId, indicatorId, version } = await sheetWithIndicator(there);
    store.interrupt.push(() => there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from));
    const pinned = here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 45 }, { ...from, ifMatch: version });
    await expect(pinned).rejects.toMatchObject({ name: 'WrongExpectedVersionError', expectedVersion: version, actualVersion: version + 2 });
    await expect(pinned).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(store.appends).toBe(1);
  });

  it('gives up with the conflict when the other process gets in first every time', async () => {
    const { sheetId, indicatorId } = await sheetWithIndicator(there);
    store.interrupt = Array.from(
      { length: 8 },
      (_, i) => () => there.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 100 + i }, from),
    );
    await expect(here.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 2, value: 1 }, from)).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(store.appends).toBe(8);
  });
});
