import { Kysely, sql } from 'kysely';

/**
 * The current state of every sheet and ward plan, written inline with their events (same
 * transaction), so a read right after a command sees it. The unique keys enforce "one sheet per
 * unit and year" and "one ward plan per ward and year" across streams.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sheets (
      sheet_id    uuid PRIMARY KEY,
      fiscal_year integer NOT NULL,
      department  text NOT NULL,
      unit        text NOT NULL,
      status      text NOT NULL,
      version     bigint NOT NULL,
      state       jsonb NOT NULL,
      updated_at  timestamptz NOT NULL,
      CONSTRAINT sheets_unit_year_key UNIQUE (fiscal_year, department, unit)
    )`.execute(db);
  await sql`CREATE INDEX sheets_department_idx ON sheets (department, fiscal_year)`.execute(db);

  await sql`
    CREATE TABLE ward_plans (
      ward_plan_id uuid PRIMARY KEY,
      department   text NOT NULL,
      fiscal_year  integer NOT NULL,
      version      bigint NOT NULL,
      state        jsonb NOT NULL,
      updated_at   timestamptz NOT NULL,
      CONSTRAINT ward_plans_department_year_key UNIQUE (department, fiscal_year)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS ward_plans, sheets`.execute(db);
}
