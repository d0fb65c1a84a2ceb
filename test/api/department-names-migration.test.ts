import { Kysely, Migration, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import * as departmentNames from '../../db/migrations/0010_department_names';
import { startApi, TestApi } from '../support/api';
import { ok } from '../support/access';
import { withViewsStored } from '../support/stored-views';

let api: TestApi;
let db: Kysely<Database>;
beforeAll(async () => {
  api = await startApi();
  db = api.resources.database.db;
});
afterAll(() => api.close());

/** Every row that names a department, as text: what the migration must bring back exactly. */
async function named(): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    SELECT 'sheet ' || sheet_id || department || state::text || view AS row FROM sheets
    UNION ALL SELECT 'indicator ' || indicator_id || department FROM sheet_indicators
    UNION ALL SELECT 'ward plan ' || ward_plan_id || department || state::text FROM ward_plans
    UNION ALL SELECT 'contact ' || contact_id || department FROM contacts
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.row);
}

/** The tables as the code before one name wrote them: the department as the caller spelt it. */
async function spelt(department: string, sheetId: string) {
  await sql`UPDATE sheets SET department = ${department}, state = jsonb_set(state, '{department}', to_jsonb(${department}::text)),
              view = replace(view, '"department":"東区"', '"department":' || to_json(${department}::text)::text) WHERE sheet_id = ${sheetId}::uuid`.execute(
    db,
  );
  await sql`UPDATE sheet_indicators SET department = ${department} WHERE sheet_id = ${sheetId}::uuid`.execute(db);
}

const migrate = () => db.transaction().execute((trx) => (departmentNames as Migration).up(trx));
/** The tables as 0010 found them, with views stored. */
const asOf0010 = <T>(work: () => Promise<T>) => withViewsStored(db, api.resources.config.progressThresholds, work);

describe('migration 0010_department_names', () => {
  it('renames the departments of the tables that are not events, and has the summaries and reminders planned again', async () => {
    const { sheetId } = await ok(
      api.call('POST', '/api/v1/sheets', { fiscalYear: 2020, department: '東区', unit: '総務課', createdOn: '2020-04-01' }),
    );
    const { goalId } = await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: '目標' }));
    await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, { name: '指標', target: '10件' }));
    await ok(api.call('POST', '/api/v1/ward-plans', { department: '東区', fiscalYear: 2020, priorityGoals: [] }));
    await ok(api.call('POST', '/api/v1/contacts', { department: '東区', unit: '総務課', name: '東 花子', role: '担当' }));
    await sql`INSERT INTO processor_checkpoints (processor, transaction_id, global_position) VALUES ('summaries', '7', 7), ('reminders', '7', 7)`.execute(
      db,
    );
    await sql`INSERT INTO unit_completion (sheet_id, fiscal_year, ward, department, unit, completion) VALUES (${sheetId}, 2020, '東区', '東区役所', '総務課', '{}')`.execute(
      db,
    );
    const rebuilds = await asOf0010(async () => {
      const current = await named();
      await spelt('東区役所', sheetId);
      await sql`UPDATE ward_plans SET department = '新潟市東区', state = jsonb_set(state, '{department}', '"新潟市東区"')`.execute(db);
      await sql`UPDATE contacts SET department = '東　区'`.execute(db);
      expect(await named()).not.toEqual(current);
      const before = await sql`SELECT 1 FROM current_state_rebuilds`.execute(db);

      await migrate();
      expect(await named()).toEqual(current);
      return before;
    });
    expect((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body.department).toBe('東区');
    expect((await sql`SELECT 1 FROM unit_completion`.execute(db)).rows).toHaveLength(0);
    const { rows: checkpoints } = await sql<{ processor: string; global_position: string }>`
      SELECT processor, global_position FROM processor_checkpoints ORDER BY processor`.execute(db);
    expect(checkpoints).toEqual([
      { processor: 'reminders', global_position: '0' },
      { processor: 'summaries', global_position: '0' },
    ]);
    // Running API processes drop the sheets they keep.
    expect((await sql`SELECT 1 FROM current_state_rebuilds`.execute(db)).rows).toHaveLength(rebuilds.rows.length + 1);
  });

  it('stops, naming them and changing nothing, when two sheets of one unit and year would share one name', async () => {
    const { sheetId } = await ok(
      api.call('POST', '/api/v1/sheets', { fiscalYear: 2020, department: '東区', unit: '地域課', createdOn: '2020-04-01' }),
    );
    await asOf0010(async () => {
      // Possible before: 東区 総務課 and 東区役所 総務課 were two departments' sheets.
      await spelt('東区役所', sheetId);
      await sql`UPDATE sheets SET unit = '総務課' WHERE sheet_id = ${sheetId}::uuid`.execute(db);
      const before = await named();

      await expect(migrate()).rejects.toThrow(new RegExp(`2020 東区 総務課 \\(東区: [0-9a-f-]+, 東区役所: ${sheetId}\\)`));
      expect(await named()).toEqual(before);
    });
  });
});
