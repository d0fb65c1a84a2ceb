import { Kysely, sql } from 'kysely';

/**
 * Reminders: the contacts to remind per org unit, and every reminder planned, with what became
 * of it. The reminders table is the durable truth; BullMQ only carries the timing, so a flushed
 * or restarted queue loses nothing (the reconciler enqueues again from here).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE contacts (
      contact_id  uuid PRIMARY KEY,
      department  text NOT NULL,
      unit        text,
      name        text NOT NULL,
      role        text NOT NULL CHECK (role IN ('担当', '課長', 'coordinator')),
      email       text,
      webhook_url text,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX contacts_unit_idx ON contacts (department, unit)`.execute(db);

  await sql`
    CREATE TABLE reminders (
      reminder_id   uuid PRIMARY KEY,
      sheet_id      uuid NOT NULL,
      plan_key      text NOT NULL,
      kind          text NOT NULL,
      due_on        text NOT NULL, -- ISO civil dates (Asia/Tokyo), kept as text like in the events
      quarter       smallint,
      send_on       text NOT NULL,
      send_at       timestamptz NOT NULL,
      recipient     jsonb NOT NULL,
      channel       text NOT NULL,
      status        text NOT NULL CHECK (status IN ('planned', 'sent', 'cancelled', 'failed')),
      -- Why it was cancelled, or the last error (the final one once failed).
      reason        text,
      attempts      integer NOT NULL DEFAULT 0,
      -- Whether its delayed job has been handed to the queue (the reconciler does it for new rows).
      enqueued      boolean NOT NULL DEFAULT false,
      -- A sender's claim: only the holder of an unexpired lease may send and mark it sent.
      lease_token   uuid,
      lease_until   timestamptz,
      -- When the channel accepted it: a retry after this only records the send, never repeats it.
      delivered_at  timestamptz,
      planned_at    timestamptz NOT NULL,
      finished_at   timestamptz
    )`.execute(db);
  // One live reminder per key and sheet; cancelled ones are history and may repeat.
  await sql`CREATE UNIQUE INDEX reminders_live_key ON reminders (sheet_id, plan_key) WHERE status <> 'cancelled'`.execute(db);
  await sql`CREATE INDEX reminders_sheet_idx ON reminders (sheet_id, status)`.execute(db);
  await sql`CREATE INDEX reminders_due_idx ON reminders (send_at) WHERE status = 'planned'`.execute(db);
  await sql`CREATE INDEX reminders_unqueued_idx ON reminders (send_at) WHERE status = 'planned' AND NOT enqueued`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS reminders, contacts`.execute(db);
}
