import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { TestClock } from '../support/api';
import { useTestStore } from '../support/test-database';

/**
 * A command patches the stored state (project_sheet_patch) only when the row holds the state the
 * command decided on: a row at any other version fails the command, events and all, and the next
 * command, reading afresh, writes the whole state.
 */
const ctx = useTestStore(4);
const clock = new TestClock(new Date('2024-07-05T10:00:00+09:00'));
const from = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };

it('refuses to patch a row that is not at the version the command decided on, and the next command heals it', async () => {
  const db = ctx.database.db;
  const runner = new SheetCommands(db, new EventStore(db), clock, DEFAULT_PROGRESS_THRESHOLDS);
  const sheetId = randomUUID();
  const goalId = randomUUID();
  const indicatorId = randomUUID();
  await runner.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: `地域課${sheetId}` }, from);
  await runner.run(sheetId, { type: 'AddGoal', goalId, text: '魅力を発信します。' }, from);
  await runner.run(sheetId, { type: 'DefineIndicator', goalId, indicatorId, name: 'SNS発信件数', unit: '件', target: '190件' }, from);
  const row = async () =>
    (await sql<{ version: string; state: string }>`SELECT version, state::text AS state FROM sheets WHERE sheet_id = ${sheetId}::uuid`.execute(db)).rows[0]!;
  const stored = await row();
  const version = Number(stored.version);
  // A row the runner cannot know about: an older version under the current state.
  await sql`UPDATE sheets SET version = version - 1 WHERE sheet_id = ${sheetId}::uuid`.execute(db);

  await expect(runner.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from)).rejects.toThrow(`not at version ${version}`);
  expect(await ctx.store.streamVersion(`sheet-${sheetId}`)).toBe(version);
  expect(await row()).toEqual({ ...stored, version: String(version - 1) });

  await runner.run(sheetId, { type: 'RecordProgress', indicatorId, quarter: 1, value: 40 }, from);
  const { state } = await runner.load(sheetId);
  const healed = await row();
  expect(healed.version).toBe(String(await ctx.store.streamVersion(`sheet-${sheetId}`)));
  expect(JSON.parse(healed.state)).toEqual(JSON.parse(JSON.stringify(state)));
});
