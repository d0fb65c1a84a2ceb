import { Kysely, sql } from 'kysely';

/**
 * API tokens as issued and revoked (the facts are events on `access-token-<id>` streams; this is
 * their inline projection). Only a token's SHA-256 is kept; the unique index is the one lookup
 * that authenticates a request, so a revocation counts from the next request on every process.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE access_tokens (
      token_id   uuid PRIMARY KEY,
      token_hash bytea NOT NULL,
      name       text NOT NULL,
      grants     jsonb NOT NULL,
      issued_at  timestamptz NOT NULL,
      issued_by  jsonb NOT NULL,
      expires_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT access_tokens_hash_key UNIQUE (token_hash)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS access_tokens`.execute(db);
}
