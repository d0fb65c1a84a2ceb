import { Kysely, sql } from 'kysely';

/**
 * Owned by the `summaries` processor and rebuilt from the feed: its own fold of every sheet and
 * ward plan (so a rebuild never depends on other tables), and what it derives from them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE summary_streams (
      stream_id   text PRIMARY KEY,
      kind        text NOT NULL,
      ward        text NOT NULL,
      fiscal_year integer NOT NULL,
      version     bigint NOT NULL,
      state       jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX summary_streams_ward_idx ON summary_streams (ward, fiscal_year)`.execute(db);

  await sql`
    CREATE TABLE ward_summaries (
      ward        text NOT NULL,
      fiscal_year integer NOT NULL,
      summary     jsonb NOT NULL,
      PRIMARY KEY (ward, fiscal_year)
    )`.execute(db);

  await sql`
    CREATE TABLE unit_completion (
      sheet_id    uuid PRIMARY KEY,
      fiscal_year integer NOT NULL,
      ward        text NOT NULL,
      department  text NOT NULL,
      unit        text NOT NULL,
      completion  jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX unit_completion_year_idx ON unit_completion (fiscal_year, ward, unit)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS unit_completion, ward_summaries, summary_streams`.execute(db);
}
