import { Kysely, sql } from 'kysely';

/**
 * API processes keep rendered sheets in memory and ask, a few times a second, what changed since
 * their last look (see SheetChanges): sheets with events from transactions that look's snapshot
 * did not see committed — `events.transaction_id`, already indexed for the feed — and whether the
 * current state was rebuilt, which changes sheets without events. This table says when it was:
 * one row per rebuild, written in the rebuild's transaction.
 *
 * Not LISTEN/NOTIFY: a transaction that notifies holds a server-wide lock through its commit, so
 * commits that notify queue one behind another, each waiting for the previous one's WAL flush
 * (measured: 16 clients updating one row each, 4,400 → 1,100 commits/s). Nor a stamp on the sheet
 * row: indexing it would make every update of the row a non-HOT one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE current_state_rebuilds (
      rebuilt_by xid8 PRIMARY KEY DEFAULT pg_current_xact_id(),
      rebuilt_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS current_state_rebuilds`.execute(db);
}
