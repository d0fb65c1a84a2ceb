import { randomUUID } from 'node:crypto';
import { EventStore } from '@shinchoku/event-store';
import { VersionMismatch } from '@shinchoku/sheets/application/command-errors';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { TestClock } from '../support/api';
import { useTestStore } from '../support/test-database';

/**
 * If-Match guards against saving over a change the client has not seen. A reminder sent meanwhile
 * is recorded on the sheet's stream but changes nothing in it, so it must not fail the save.
 */
const ctx = useTestStore(10);
const clock = new TestClock(new Date('2024-07-05T10:00:00+09:00'));
const from = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };
let api: SheetCommands;
let worker: SheetCommands;
let sheetId: string;
let indicatorId: string;
/** The version the client read: the sheet as set up. */
let read: number;

beforeAll(() => {
  // Two runners stand for the API process and the worker process that sends reminders.
  api = new SheetCommands(ctx.database.db, new EventStore(ctx.database.db), clock, DEFAULT_PROGRESS_THRESHOLDS);
  worker = new SheetCommands(ctx.database.db, new EventStore(ctx.database.db), clock, DEFAULT_PROGRESS_THRESHOLDS);
});

beforeEach(async () => {
  sheetId = randomUUID();
  indicatorId = randomUUID();
  const goalId = randomUUID();
  await api.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: `地域課${sheetId}` }, from);
  await api.run(sheetId, { type: 'AddGoal', goalId, text: '魅力を発信します。' }, from);
  ({ version: read } = await api.run(
    sheetId,
    { type: 'DefineIndicator', goalId, indicatorId, name: 'SNS発信件数', unit: '件', target: '190件' },
    from,
  ));
});

const remind = (runner: SheetCommands) =>
  runner.run(
    sheetId,
    {
      type: 'RecordReminder',
      reminderId: randomUUID(),
      kind: 'progress',
      dueOn: '2024-07-10',
      quarter: 1,
      recipient: { name: '担当 花子', role: 'owner', address: 'hanako@example.jp' },
      channel: 'log',
    },
    { actor: { id: 'system:reminders', name: 'reminders' }, source: 'reminders' },
  );
const progress = (value: number, ifMatch: number) =>
  api.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value }, { ...from, ifMatch });
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('If-Match across events that change nothing', () => {
  it('holds across reminders sent since the version the client read, by this process or another', async () => {
    await remind(api);
    await remind(worker);
    // The sheet is two versions on from what the client read, but only by reminders.
    expect(await progress(40, read)).toEqual({ version: read + 4, appended: 2 }); // SheetActivated + ProgressRecorded
  });

  it('still fails with 412 when a change came in between, reminders or not', async () => {
    await progress(40, read);
    await remind(worker);
    expect(await refusalOf(progress(45, read))).toBeInstanceOf(VersionMismatch);
    expect(await ctx.store.readStream(`sheet-${sheetId}`)).toHaveLength(read + 3);
  });

  it('still fails with 412 for a version the sheet never had', async () => {
    await remind(worker);
    expect(await refusalOf(progress(40, read + 2))).toBeInstanceOf(VersionMismatch);
    expect(await refusalOf(progress(40, read - 1))).toBeInstanceOf(VersionMismatch);
  });
});
