import type { StoredEvent } from '@shinchoku/event-store';
import { merge, narrowed } from '@shinchoku/documents/application/stale';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { run } from '../sheets/sheet-builder';

const today = '2024-05-01';
const { state: base } = run([
  { type: 'CreateSheet', sheetId: 's-1', fiscalYear: 2024, department: '西区', unit: '地域課', purpose: '地域の魅力を高める', today },
  { type: 'AddGoal', goalId: 'g-1', text: '情報を発信します', today },
]);

/** Commands of someone else after the export, as the stream holds them: who made each and when. */
function since(commands: SheetCommand[]): { current: Sheet; events: StoredEvent[] } {
  let current = base;
  const events: StoredEvent[] = [];
  for (const [i, command] of commands.entries()) {
    const step = run([command], current);
    current = step.state;
    for (const event of step.events) {
      events.push({
        ...event,
        eventId: `e-${i}`,
        streamId: 'sheet-s-1',
        version: 3 + events.length,
        schemaVersion: 1,
        metadata: { actor: { id: `u-${i}`, name: `職員 ${i}` }, commandId: `c-${i}`, correlationId: `c-${i}`, source: 'api' },
        recordedAt: new Date(Date.UTC(2024, 4, 2 + i)),
        globalPosition: 0n,
        transactionId: 0n,
      });
    }
  }
  return { current, events };
}

const edited = (commands: SheetCommand[]) => run(commands, base).state;

describe('a workbook compared cell by cell with the sheet as exported and as it is now', () => {
  it('writes the cells the workbook changed and leaves the ones only others changed', () => {
    const { current, events } = since([{ type: 'ReviseGoal', goalId: 'g-1', changes: { text: '情報を発信し、届けます' }, today }]);
    const mine = edited([{ type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える' }, today }]);
    const { changed, conflicts } = merge(base, mine, current, events, 2);
    expect([...changed]).toEqual(['sheet.purpose']);
    expect(conflicts).toEqual([]);
    expect(narrowed({ type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える', policyIndicators: [] } }, changed)).toEqual({
      type: 'ReviseSheet',
      changes: { purpose: '地域の魅力を伝える' },
    });
    expect(narrowed({ type: 'ReviseGoal', goalId: 'g-1', changes: { text: '情報を発信します' } }, changed)).toBeUndefined();
  });

  it('reports a cell changed on both sides to different values, blamed on the last event that changed it', () => {
    const { current, events } = since([
      { type: 'ReviseSheet', changes: { purpose: '魅力を高める' }, today },
      { type: 'ReviseGoal', goalId: 'g-1', changes: { text: '発信します' }, today },
      { type: 'ReviseSheet', changes: { purpose: '地域の魅力を磨く' }, today },
    ]);
    const { conflicts } = merge(
      base,
      edited([{ type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える' }, today }]),
      current,
      events,
      2,
    );
    expect(conflicts).toEqual([
      expect.objectContaining({
        field: 'purpose',
        workbook: '地域の魅力を伝える',
        current: '地域の魅力を磨く',
        changedBy: { id: 'u-2', name: '職員 2' },
        changedInVersion: 5,
      }),
    ]);
  });

  it('sees no conflict where both sides wrote the same value', () => {
    const { current, events } = since([{ type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える' }, today }]);
    expect(
      merge(base, edited([{ type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える' }, today }]), current, events, 2).conflicts,
    ).toEqual([]);
  });
});
