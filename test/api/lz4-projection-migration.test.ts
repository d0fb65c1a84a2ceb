import { Kysely, Migration, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import * as lz4Projection from '../../db/migrations/0017_lz4_projection';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { withViewsStored } from '../support/stored-views';

let database: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  database = await createTestDatabase(2);
  db = database.db;
});
afterAll(() => database.close());

/** How each projection column compresses: `l` lz4, `p` pglz, `` the server's default. */
async function compression(): Promise<Record<string, string>> {
  const { rows } = await sql<{ column: string; method: string }>`
    SELECT attrelid::regclass || '.' || attname AS column, attcompression::text AS method FROM pg_attribute
    WHERE (attrelid, attname) IN (('sheets'::regclass, 'state'), ('sheets'::regclass, 'view'), ('sheet_indicators'::regclass, 'indicator'))
    ORDER BY 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.column, r.method]));
}

describe('migration 0017: the projection compresses with lz4', () => {
  it('sets lz4 on the state, view and indicator columns when the server has it, and down restores the default', async () => {
    const { rows } = await sql<{ lz4: boolean }>`
      SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(db);
    const expected = rows[0]!.lz4 ? 'l' : '';
    // The tables as 0017 left them (0018 stores no view).
    await withViewsStored(db, DEFAULT_PROGRESS_THRESHOLDS, async () => {
      expect(await compression()).toEqual({ 'sheet_indicators.indicator': expected, 'sheets.state': expected, 'sheets.view': expected });

      await (lz4Projection as Migration).down!(db);
      expect(await compression()).toEqual({ 'sheet_indicators.indicator': '', 'sheets.state': '', 'sheets.view': '' });
      await (lz4Projection as Migration).up(db);
      expect(await compression()).toEqual({ 'sheet_indicators.indicator': expected, 'sheets.state': expected, 'sheets.view': expected });
    });
    expect(await compression()).toEqual({ 'sheet_indicators.indicator': expected, 'sheets.state': expected });
  });
});
