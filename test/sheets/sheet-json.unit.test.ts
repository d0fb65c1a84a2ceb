import { sheetJson } from '@shinchoku/sheets/application/sheet-json';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { viewOf } from '@shinchoku/sheets/domain/sheet.view';
import { run, seed西区地域課, 西区地域課 } from './sheet-builder';

/**
 * Views and texts of the goals and indicators no event touched are kept from earlier commands.
 * Whatever was kept, the view must be the one a copy of the state (nothing kept) renders, and the
 * text what JSON.stringify writes of the whole, command after command.
 */
const today = '2024-10-05';
const later: SheetCommand[] = [
  { type: 'RecordProgress', indicatorId: 西区地域課.sns, quarter: 2, value: 51, today },
  { type: 'RecordProgress', indicatorId: 西区地域課.sns, quarter: 2, value: '52件', note: '集計し直し', reason: '集計漏れ', today },
  { type: 'ReviseGoal', goalId: 西区地域課.goals[1], changes: { text: '大学との連携を支援します。' }, today },
  { type: 'RecordResult', indicatorId: 西区地域課.sakata, value: '38,500', today },
  // Only the suggested ratings change: every goal with a result is rated × under this profile.
  { type: 'ReviseSheet', changes: { ratingProfile: { kind: 'achievementBands', bands: [{ minRate: 0, rating: '×' }] } }, today },
  { type: 'Evaluate', goalId: 西区地域課.goals[0], rating: '○', today },
  { type: 'RemoveGoal', goalId: 西区地域課.goals[4], today },
];

describe('sheetJson', () => {
  it('writes what JSON.stringify writes of the state and of a view made afresh, after every command', () => {
    let { state } = run(seed西区地域課());
    const check = (sheet: Sheet) => {
      const view = { ...viewOf(sheet, DEFAULT_PROGRESS_THRESHOLDS), version: 1 };
      const fresh = { ...viewOf(structuredClone(sheet), DEFAULT_PROGRESS_THRESHOLDS), version: 1 };
      expect(sheetJson(sheet)).toBe(JSON.stringify(sheet));
      expect(sheetJson(view)).toBe(JSON.stringify(fresh));
    };
    check(state);
    for (const command of later) {
      state = run([command], state).state;
      check(state);
    }
  });

  it('does not keep a text for a part written anew with other content', () => {
    const { state } = run(seed西区地域課());
    const before = sheetJson(state);
    const revised = run(
      [{ type: 'ReviseIndicator', indicatorId: 西区地域課.sports, changes: { name: 'スポーツ施設の利用者数' }, today }],
      state,
    ).state;
    expect(sheetJson(revised)).not.toBe(before);
    expect(sheetJson(revised)).toContain('スポーツ施設の利用者数');
    expect(sheetJson(state)).toBe(before);
  });
});
