import { randomUUID } from 'node:crypto';
import { EventStore } from '@shinchoku/event-store';
import { CommandSettled } from '@shinchoku/sheets/application/command-settled';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { useTestStore } from '../../support/test-database';
import { clock, from, sheetWithIndicator } from './support';

/** What a runner publishes after each command, whatever its outcome (the EventBus in the application). */
const ctx = useTestStore(10);
let settled: CommandSettled[];
let runner: SheetCommands;

beforeEach(() => {
  settled = [];
  runner = new SheetCommands(ctx.database.db, new EventStore(ctx.database.db), clock, DEFAULT_PROGRESS_THRESHOLDS, {
    publish: (event) => settled.push(event),
  });
});

const last = () => settled.at(-1)!;

describe('CommandSettled', () => {
  it('carries the events a command appended', async () => {
    const { sheetId, indicatorId } = await sheetWithIndicator(runner);
    await runner.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
    expect(last()).toMatchObject({ aggregate: 'sheet', id: sheetId, command: 'RecordProgress', outcome: 'applied' });
    expect(last().events.map((event) => event.type)).toEqual(['SheetActivated', 'ProgressRecorded']);
    expect(last().seconds).toBeGreaterThan(0);
  });

  it('is published for a no-op, with no events', async () => {
    const { sheetId, indicatorId } = await sheetWithIndicator(runner);
    await runner.run(sheetId, { type: 'SetTarget', indicatorId, text: '190件' }, from);
    expect(last()).toMatchObject({ command: 'SetTarget', outcome: 'unchanged', events: [] });
  });

  it('is published for a refusal, a conflict and a failure, before the caller hears of it', async () => {
    const { sheetId, indicatorId, version } = await sheetWithIndicator(runner);
    const count = settled.length;
    await expect(
      runner.run(sheetId, { type: 'RecordProgress', indicatorId: randomUUID(), quarter: 1, value: 1 }, from),
    ).rejects.toMatchObject({ code: 'IndicatorNotFound' });
    expect(last()).toMatchObject({ outcome: 'rejected', events: [] });
    await expect(
      runner.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 1 }, { ...from, ifMatch: version - 1 }),
    ).rejects.toMatchObject({
      name: 'VersionMismatch',
    });
    expect(last()).toMatchObject({ outcome: 'conflict' });
    await expect(
      runner.run(
        sheetId,
        { type: 'RecordProgress', indicatorId, quarter: 1, value: 1 },
        { ...from, alongside: () => Promise.reject(new Error('cut')) },
      ),
    ).rejects.toThrow('cut');
    expect(last()).toMatchObject({ outcome: 'failed', events: [] });
    expect(settled).toHaveLength(count + 3);
  });
});
