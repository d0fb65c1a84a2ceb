import { Kysely, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { ProgressThresholds, Sheet } from '@shinchoku/sheets/domain';
import { viewOf } from '@shinchoku/sheets/domain';
import * as viewOnRead from '../../db/migrations/0018_view_on_read';

/**
 * Runs `work` on the tables as migrations before 0018 found them: each sheet's view stored, as the
 * code of that time rendered it. For tests of those migrations; the tables are brought back after.
 * Nothing may write sheets meanwhile (project_sheet is the old one).
 */
export async function withViewsStored<T>(db: Kysely<Database>, thresholds: ProgressThresholds, work: () => Promise<T>): Promise<T> {
  await viewOnRead.down(db as Kysely<unknown>);
  const { rows } = await sql<{ sheet_id: string; state: Sheet; version: string }>`SELECT sheet_id, state, version FROM sheets`.execute(db);
  for (const { sheet_id, state, version } of rows) {
    const view = JSON.stringify({ ...viewOf(state, thresholds), version: Number(version) });
    await sql`UPDATE sheets SET view = ${view} WHERE sheet_id = ${sheet_id}::uuid`.execute(db);
  }
  try {
    return await work();
  } finally {
    await viewOnRead.up(db as Kysely<unknown>);
  }
}
