import { DomainError } from '@shinchoku/sheets/domain/errors';
import { evolve, fold } from '@shinchoku/sheets/domain/sheet.evolve';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { refused, sheet } from '../sheets/deciders';
import { run, seed西区地域課, 西区地域課 } from '../sheets/sheet-builder';

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
  const open = run(seed西区地域課()).events;
  const closed = [
    ...open,
    ...run(
      [...西区地域課.goals.map((goalId) => ({ type: 'Evaluate', today, goalId, rating: '○' }) as const), { type: 'CloseSheet', today }],
      fold(open),
    ).events,
  ];

  it.each([
    ['an open sheet', open],
    ['a closed sheet', closed],
  ])('is recorded on %s and changes nothing of it', (_what, given) => {
    const sent = {
      type: 'ReminderSent',
      data: {
        reminderId: 'r-1',
        kind: 'overdue',
        dueOn: '2025-05-01',
        recipient: { name: '佐潟 太郎', role: '課長', address: 'taro@example.jp' },
        channel: 'email',
        on: today,
      },
    } as const;
    sheet.given(given).when(recordReminder).then([sent]);
    const state = fold(given);
    expect(evolve(state, sent)).toBe(state);
  });

  it('needs the sheet to exist', () => {
    sheet.given([]).when(recordReminder).thenThrows(DomainError, refused('SheetNotFound'));
  });
});
