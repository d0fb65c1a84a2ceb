import { Kysely, sql } from 'kysely';

/**
 * The inline projection of a sheet, written by every command in the append's own statement. In
 * PL/pgSQL because its statements' plans are then cached per session: planned afresh, they cost
 * Postgres more than running them. The version guard keeps a replay from putting an older state
 * over a newer one; indicator rows follow only when the sheet row was written. With p_removed,
 * only those indicator rows go (the caller knows the state the table holds); without, every row
 * not in p_current. p_indicators holds the rows to write: the changed ones, or all.
 *
 * `view`: the function as 0002 made it, which also stored the rendered view (until 0018).
 */
export async function createProjectSheet(db: Kysely<unknown>, { view }: { view: boolean }): Promise<void> {
  const viewParameter = sql.raw(view ? 'p_view text,' : '');
  const viewColumn = sql.raw(view ? 'view,' : '');
  const viewValue = sql.raw(view ? 'p_view,' : '');
  const viewSet = sql.raw(view ? 'view = excluded.view,' : '');
  await sql`
    CREATE FUNCTION project_sheet(
      p_sheet_id uuid, p_fiscal_year integer, p_department text, p_unit text, p_status text,
      p_progress_state text, p_version bigint, p_state jsonb, ${viewParameter} p_indicators jsonb,
      p_removed uuid[], p_current uuid[]
    ) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO sheets (sheet_id, fiscal_year, department, unit, status, progress_state, version, state, ${viewColumn} updated_at)
        VALUES (p_sheet_id, p_fiscal_year, p_department, p_unit, p_status, p_progress_state, p_version, p_state, ${viewValue} now())
        ON CONFLICT (sheet_id) DO UPDATE SET
          fiscal_year = excluded.fiscal_year, department = excluded.department, unit = excluded.unit,
          status = excluded.status, progress_state = excluded.progress_state, version = excluded.version,
          state = excluded.state, ${viewSet} updated_at = excluded.updated_at
        WHERE sheets.version < excluded.version;
      IF NOT FOUND THEN
        RETURN false;
      END IF;
      IF p_removed IS NULL THEN
        DELETE FROM sheet_indicators WHERE sheet_id = p_sheet_id AND indicator_id <> ALL (p_current);
      ELSIF cardinality(p_removed) > 0 THEN
        DELETE FROM sheet_indicators WHERE sheet_id = p_sheet_id AND indicator_id = ANY (p_removed);
      END IF;
      IF jsonb_array_length(p_indicators) > 0 THEN
        INSERT INTO sheet_indicators
          SELECT * FROM jsonb_populate_recordset(NULL::sheet_indicators, p_indicators)
          ON CONFLICT (indicator_id) DO UPDATE SET
            fiscal_year = excluded.fiscal_year, department = excluded.department, unit = excluded.unit,
            sheet_status = excluded.sheet_status, goal_id = excluded.goal_id, goal_no = excluded.goal_no,
            goal_rating = excluded.goal_rating, position = excluded.position, name = excluded.name,
            progress_state = excluded.progress_state, latest_quarter = excluded.latest_quarter,
            achievement_rate = excluded.achievement_rate, indicator = excluded.indicator
          WHERE sheet_indicators.sheet_id = excluded.sheet_id;
      END IF;
      RETURN true;
    END
    $$`.execute(db);
}
