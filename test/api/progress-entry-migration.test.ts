import { randomUUID } from 'node:crypto';
import { Kysely, Migration, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import * as progressEntry from '../../db/migrations/0013_progress_entry';
import { rebuildCurrentState } from '@shinchoku/sheets';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import { startApi, TestApi } from '../support/api';
import { tester } from '../support/events';
import { legacyEvents } from '../sheets/legacy-stream';
import { withViewsStored } from '../support/stored-views';

let api: TestApi;
let db: Kysely<Database>;
beforeAll(async () => {
  api = await startApi();
  db = api.resources.database.db;
});
afterAll(() => api.close());

/** The legacy stream under ids the tables take (uuids). */
function legacyStream(): { sheetId: string; events: SheetEvent[] } {
  const ids = Object.fromEntries(['legacy', 'g1', 'sns', 'rate', 'events'].map((id) => [id, randomUUID()]));
  const text = JSON.stringify(legacyEvents).replace(/"(legacy|g1|sns|rate|events)"/g, (_, id: string) => JSON.stringify(ids[id]));
  return { sheetId: ids.legacy!, events: JSON.parse(text) };
}

/** Every row the migration rewrites, as text. */
async function rows(): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    SELECT 'sheet ' || sheet_id || state::text || view AS row FROM sheets
    UNION ALL SELECT 'indicator ' || indicator_id || indicator::text FROM sheet_indicators ORDER BY 1`.execute(db);
  return rows.map((r) => r.row);
}

const withoutNewFields = (json: string) =>
  JSON.stringify(JSON.parse(json), (key, value) => (key === 'progressEntry' || key === 'warnings' ? undefined : value));

/** A sheet's rows as the code before progressEntry wrote them: neither field, anywhere. */
async function asBefore(sheetId: string): Promise<void> {
  const { rows: sheets } = await sql<{
    sheet_id: string;
    state: object;
    view: string;
  }>`SELECT sheet_id, state, view FROM sheets WHERE sheet_id = ${sheetId}::uuid`.execute(db);
  for (const { sheet_id, state, view } of sheets) {
    await sql`UPDATE sheets SET state = ${withoutNewFields(JSON.stringify(state))}::jsonb, view = ${withoutNewFields(view)} WHERE sheet_id = ${sheet_id}::uuid`.execute(
      db,
    );
  }
  const { rows: indicators } = await sql<{
    indicator_id: string;
    indicator: object;
  }>`SELECT indicator_id, indicator FROM sheet_indicators WHERE sheet_id = ${sheetId}::uuid`.execute(db);
  for (const { indicator_id, indicator } of indicators) {
    await sql`UPDATE sheet_indicators SET indicator = ${withoutNewFields(JSON.stringify(indicator))}::jsonb WHERE indicator_id = ${indicator_id}::uuid`.execute(
      db,
    );
  }
}

describe('migration 0013_progress_entry', () => {
  it('brings the stored current state to exactly what a fold of the old events gives now, and has API processes drop their copies', async () => {
    const { sheetId, events } = legacyStream();
    await api.resources.store.append(`sheet-${sheetId}`, 0, events, tester);
    const created = await api.call('POST', '/api/v1/sheets', {
      fiscalYear: 2024,
      department: '西区',
      unit: '区民生活課',
      createdOn: '2024-04-01',
    });
    const { goalId } = (await api.call('POST', `/api/v1/sheets/${created.body.sheetId}/goals`, { text: '目標' })).body;
    await api.call('POST', `/api/v1/sheets/${created.body.sheetId}/goals/${goalId}/indicators`, {
      name: '参加団体数',
      target: '530団体以上',
    });
    await rebuildCurrentState(db, api.resources.store, api.resources.config.progressThresholds);
    // The tables as 0013 found them, with views stored.
    await withViewsStored(db, api.resources.config.progressThresholds, async () => {
      const now = await rows();
      await asBefore(sheetId); // the other sheet, written by this code, is left as it is
      expect(await rows()).not.toEqual(now);
      const rebuilds = (await sql`SELECT 1 FROM current_state_rebuilds`.execute(db)).rows.length;
      await db.transaction().execute((trx) => (progressEntry as Migration).up(trx));

      expect(await rows()).toEqual(now);
      expect((await sql`SELECT 1 FROM current_state_rebuilds`.execute(db)).rows).toHaveLength(rebuilds + 1);
    });
    const sheet = (await api.call('GET', `/api/v1/sheets/${sheetId}`, undefined, { 'cache-control': 'no-cache' })).body;
    const [sns, rate] = sheet.goals[0].indicators;
    expect([sns.progressEntry, rate.progressEntry]).toEqual(['quarter', null]);
    expect(sns.warnings).toEqual([expect.objectContaining({ code: 'resultDiffersFromToDate', result: 191, toDate: 195 })]);
    // A command on the migrated snapshot keeps the count summed.
    expect((await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${sns.indicatorId}/progress/4`, { value: '45' })).status).toBe(200);
    const after = (await api.call('GET', `/api/v1/sheets/${sheetId}`)).body.goals[0].indicators[0];
    expect(after).toMatchObject({ progressEntry: 'quarter', progressState: { latest: { actualToDate: 196 } } });
  });
});
