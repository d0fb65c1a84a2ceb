import { randomUUID } from 'node:crypto';
import type { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { TestClock } from '../../support/api';

export const clock = new TestClock(new Date('2024-07-05T10:00:00+09:00'));
export const from = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };

/** A new sheet with one goal and one indicator, written by `runner`; its ids. */
export async function sheetWithIndicator(runner: SheetCommands): Promise<{ sheetId: string; indicatorId: string; version: number }> {
  const sheetId = randomUUID();
  const goalId = randomUUID();
  const indicatorId = randomUUID();
  await runner.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: `地域課${sheetId}` }, from);
  await runner.run(sheetId, { type: 'AddGoal', goalId, text: '魅力を発信します。' }, from);
  const { version } = await runner.run(
    sheetId,
    { type: 'DefineIndicator', goalId, indicatorId, name: 'SNS発信件数', unit: '件', target: '190件' },
    from,
  );
  return { sheetId, indicatorId, version };
}
