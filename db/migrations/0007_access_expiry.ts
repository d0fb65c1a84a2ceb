import { Kysely, sql } from 'kysely';

/**
 * When each token was last used (written at most once a minute per token, so a busy token does
 * not turn every read into a write), and the request counts that rate limits share across API
 * processes when there is no Redis. Existing tokens keep the expiry they were issued with, none
 * included: the default expiry applies to tokens issued from now on.
 *
 * The counts are UNLOGGED: a crash that loses them only resets the current windows, and not
 * writing them to the WAL keeps the upsert that every limited request makes cheap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE access_tokens ADD COLUMN last_used_at timestamptz`.execute(db);
  await sql`
    CREATE UNLOGGED TABLE rate_limit_windows (
      key            text PRIMARY KEY,
      window_ends_at timestamptz NOT NULL,
      hits           integer NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS rate_limit_windows`.execute(db);
  await sql`ALTER TABLE access_tokens DROP COLUMN IF EXISTS last_used_at`.execute(db);
}
