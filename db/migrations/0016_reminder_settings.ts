import { Kysely, sql } from 'kysely';

/**
 * Reminder settings: the policy and closed days now also change at run time (the settings-reminders
 * stream), and a change cancels planned reminders by the hundred. The reconciler takes a cancelled
 * reminder's job out of the queue and then clears `enqueued`: this index finds the few rows still
 * to do among the many cancelled ones. Rows cancelled before this migration are found too, so their
 * stale delayed jobs leave the queue at the first reconcile.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX reminders_withdraw_idx ON reminders (reminder_id) WHERE status = 'cancelled' AND enqueued`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS reminders_withdraw_idx`.execute(db);
}
