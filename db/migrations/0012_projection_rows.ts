import { Kysely, sql } from 'kysely';

/**
 * A command writes only what it changed in the sheet's state: `project_sheet_patch` applies the
 * changed parts (an indicator, a goal, a field) to the stored state with jsonb_set instead of
 * receiving and parsing the whole document again. Its indicator rows are written as
 * `project_sheet` (migration 0002, left as it is) writes them, in `project_sheet_indicators`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION project_sheet_indicators(p_sheet_id uuid, p_indicators jsonb, p_removed uuid[], p_current uuid[])
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
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
    END
    $$`.execute(db);

  // p_patches: [[path, value], ...], applied in order to the state the row holds at p_from. The
  // caller knows that state (it decided on it), and the append it rides in has just checked that
  // the stream is at p_from, whose projection committed with it. A row already past p_version is a
  // replay (nothing written, as project_sheet's guard); a row at any other version is a bug, and
  // the command fails rather than patch the wrong document.
  await sql`
    CREATE FUNCTION project_sheet_patch(
      p_sheet_id uuid, p_from bigint, p_status text, p_progress_state text, p_version bigint,
      p_patches jsonb, p_view text, p_indicators jsonb, p_removed uuid[], p_current uuid[]
    ) RETURNS boolean LANGUAGE plpgsql AS $$
    DECLARE
      v_state jsonb;
      v_patch jsonb;
    BEGIN
      SELECT state INTO v_state FROM sheets WHERE sheet_id = p_sheet_id AND version = p_from FOR UPDATE;
      IF NOT FOUND THEN
        IF EXISTS (SELECT FROM sheets WHERE sheet_id = p_sheet_id AND version >= p_version) THEN
          RETURN false;
        END IF;
        RAISE EXCEPTION 'the projection of sheet % is not at version %', p_sheet_id, p_from;
      END IF;
      FOR v_patch IN SELECT jsonb_array_elements(p_patches) LOOP
        v_state := jsonb_set(v_state, ARRAY(SELECT jsonb_array_elements_text(v_patch->0)), v_patch->1, false);
      END LOOP;
      UPDATE sheets SET status = p_status, progress_state = p_progress_state, version = p_version,
                        state = v_state, view = p_view, updated_at = now()
        WHERE sheet_id = p_sheet_id;
      PERFORM project_sheet_indicators(p_sheet_id, p_indicators, p_removed, p_current);
      RETURN true;
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS project_sheet_patch, project_sheet_indicators`.execute(db);
}
