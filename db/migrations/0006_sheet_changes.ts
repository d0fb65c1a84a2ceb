import { Kysely, sql } from 'kysely';

/**
 * Every change to a sheet's current state is announced on the `sheet_changed` channel with the
 * sheet's id, after commit: API processes keep rendered sheets in memory and drop them when told.
 * A trigger rather than the command shell, so that every writer is covered — commands in any
 * process, imports, the worker's ReminderSent, a rebuild, an operator's SQL. The payload is the id
 * alone: a rebuild rewrites a row at the same version, so a version would not tell a reader
 * whether its copy still holds; and equal payloads in one transaction are sent once, so a rebuild
 * (delete, then insert) announces each sheet once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_sheet_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        -- No rows to name: an empty payload stands for every sheet.
        PERFORM pg_notify('sheet_changed', '');
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('sheet_changed', OLD.sheet_id::text);
      ELSE
        PERFORM pg_notify('sheet_changed', NEW.sheet_id::text);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER sheets_changed AFTER INSERT OR UPDATE OR DELETE ON sheets
      FOR EACH ROW EXECUTE FUNCTION notify_sheet_changed()`.execute(db);
  await sql`
    CREATE TRIGGER sheets_truncated AFTER TRUNCATE ON sheets
      FOR EACH STATEMENT EXECUTE FUNCTION notify_sheet_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS sheets_truncated ON sheets`.execute(db);
  await sql`DROP TRIGGER IF EXISTS sheets_changed ON sheets`.execute(db);
  await sql`DROP FUNCTION IF EXISTS notify_sheet_changed()`.execute(db);
}
