import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { stateAfter, seed西区地域課, 西区地域課 } from '../sheets/sheet-builder';

const today = '2025-05-02';
const recordReminder: SheetCommand = {
  type: 'RecordReminder',
  today,
  reminderId: 'r-1',
  kind: 'overdue',
  dueOn: '2025-05-01',
  recipient: { name: '佐潟 太郎', role: '課長', address: 'taro@example.jp' },
  channel: 'email',
  reason: 'shown in the audit trail, not in the event',
};

describe('ReminderSent', () => {
  const open = stateAfter(seed西区地域課());
  const closed = stateAfter(
    [...西区地域課.goals.map((goalId) => ({ type: 'Evaluate', today, goalId, rating: '○' }) as const), { type: 'CloseSheet', today }],
    open,
  );

  it.each([
    ['an open sheet', open],
    ['a closed sheet', closed],
  ])('is recorded on %s and changes nothing of it', (_what, sheet) => {
    const events = decide(recordReminder, sheet);
    expect(events).toEqual([
      {
        type: 'ReminderSent',
        data: {
          reminderId: 'r-1',
          kind: 'overdue',
          dueOn: '2025-05-01',
          recipient: { name: '佐潟 太郎', role: '課長', address: 'taro@example.jp' },
          channel: 'email',
          on: today,
        },
      },
    ]);
    expect(evolve(sheet, (events as [never])[0])).toBe(sheet);
  });

  it('needs the sheet to exist', () => {
    expect(decide(recordReminder, undefined)).toMatchObject({ code: 'SheetNotFound' });
  });
});
