import { Kysely, sql } from 'kysely';
import * as lz4Projection from './0017_lz4_projection';
import { createProjectSheet } from './project-sheet';

/**
 * A sheet's view is rendered when it is read (and kept in memory, see SheetViewCache), no longer
 * stored: writing it cost every command about an eighth of its CPU (the 11.6 KB of text built in
 * Node, sent, compressed and written to TOAST) for the one read in many that misses the cache.
 * The view follows from the state alone, so nothing is lost. project_sheet is the same function
 * without the view.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION project_sheet(uuid, integer, text, text, text, text, bigint, jsonb, text, jsonb, uuid[], uuid[])`.execute(db);
  await sql`ALTER TABLE sheets DROP COLUMN view`.execute(db);
  await createProjectSheet(db, { view: false });
}

/** Back to a stored view, compressed as 0017 left it: the column comes back empty, so `shinchoku rebuild current-state` must run after. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION project_sheet(uuid, integer, text, text, text, text, bigint, jsonb, jsonb, uuid[], uuid[])`.execute(db);
  await sql`ALTER TABLE sheets ADD COLUMN view text NOT NULL DEFAULT ''`.execute(db);
  await lz4Projection.up(db);
  await createProjectSheet(db, { view: true });
}
