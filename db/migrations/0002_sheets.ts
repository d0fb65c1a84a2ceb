import { Kysely, sql } from 'kysely';
import { createProjectSheet } from './project-sheet';

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
      -- The worst latest progress state among the sheet's indicators, for filtering.
      progress_state text NOT NULL,
      version     bigint NOT NULL,
      state       jsonb NOT NULL,
      -- The sheet as GET renders it (state, derived facts, version), ready to send as it is.
      view        text NOT NULL,
      updated_at  timestamptz NOT NULL,
      CONSTRAINT sheets_unit_year_key UNIQUE (fiscal_year, department, unit)
    )`.execute(db);
  await sql`CREATE INDEX sheets_department_idx ON sheets (department, fiscal_year)`.execute(db);

  // One row per indicator, for listing and filtering indicators across sheets.
  await sql`
    CREATE TABLE sheet_indicators (
      indicator_id     uuid PRIMARY KEY,
      sheet_id         uuid NOT NULL REFERENCES sheets ON DELETE CASCADE,
      fiscal_year      integer NOT NULL,
      department       text NOT NULL,
      unit             text NOT NULL,
      sheet_status     text NOT NULL,
      goal_id          uuid NOT NULL,
      goal_no          integer NOT NULL,
      goal_rating      text,
      position         integer NOT NULL,
      name             text NOT NULL,
      progress_state   text NOT NULL,
      latest_quarter   integer,
      achievement_rate double precision,
      indicator        jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sheet_indicators_list_idx ON sheet_indicators (fiscal_year, department, unit, goal_no, position)`.execute(db);
  await sql`CREATE INDEX sheet_indicators_sheet_idx ON sheet_indicators (sheet_id)`.execute(db);

  // Every command rewrites a sheet's state and view and an indicator's document, each large enough
  // to be compressed: lz4 costs a fraction of the default pglz's CPU, writing and reading. A server
  // built without lz4 (the embedded one) keeps the default.
  await sql`
    DO $$ BEGIN
      IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
        ALTER TABLE sheets ALTER COLUMN state SET COMPRESSION lz4, ALTER COLUMN view SET COMPRESSION lz4;
        ALTER TABLE sheet_indicators ALTER COLUMN indicator SET COMPRESSION lz4;
      END IF;
    END $$`.execute(db);

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

  await createProjectSheet(db, { view: true });

  await sql`
    CREATE FUNCTION project_ward_plan(
      p_ward_plan_id uuid, p_department text, p_fiscal_year integer, p_version bigint, p_state jsonb
    ) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ward_plans (ward_plan_id, department, fiscal_year, version, state, updated_at)
        VALUES (p_ward_plan_id, p_department, p_fiscal_year, p_version, p_state, now())
        ON CONFLICT (ward_plan_id) DO UPDATE SET
          department = excluded.department, fiscal_year = excluded.fiscal_year, version = excluded.version,
          state = excluded.state, updated_at = excluded.updated_at
        WHERE ward_plans.version < excluded.version;
      RETURN FOUND;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS project_sheet, project_ward_plan`.execute(db);
  await sql`DROP TABLE IF EXISTS ward_plans, sheet_indicators, sheets`.execute(db);
}
