import { Kysely, sql } from 'kysely';
import { departmentName } from '@shinchoku/municipality';

/**
 * Every department gets its one name (departmentName: 東区役所 → 東区, full-width → half-width, …)
 * in the tables that are not events. The events keep the name as it was recorded: they are read
 * through the SheetCreated / WardPlanCreated upcasters instead, so a rebuild gives these same rows.
 *
 * - sheets, sheet_indicators, ward_plans (the inline projections) and contacts are renamed in
 *   place, with the department in the sheet's state and its rendered view;
 * - the summaries are cleared and their processor starts the feed again, which refolds them
 *   through the upcasters;
 * - the reminder planner starts the feed again too, so a contact of 東区 now reaches the sheets
 *   that were filed under 東区役所 (planning is idempotent: nothing is planned twice);
 * - a row in current_state_rebuilds tells running API processes to drop the sheets they keep.
 *
 * Two sheets of one unit and year under two spellings (or two ward plans of one ward and year)
 * cannot both keep their place under one name: the migration then stops, naming them, and
 * changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    SELECT department AS name FROM sheets UNION SELECT department FROM ward_plans UNION SELECT department FROM contacts
    UNION SELECT department FROM unit_completion UNION SELECT ward FROM unit_completion
    UNION SELECT ward FROM ward_summaries UNION SELECT ward FROM summary_streams`.execute(db);
  const renames = rows.filter(({ name }) => departmentName(name) !== name).map(({ name }) => [name, departmentName(name)]);
  if (renames.length === 0) return;

  await sql`CREATE TEMPORARY TABLE department_renames (old text PRIMARY KEY, new text NOT NULL) ON COMMIT DROP`.execute(db);
  await sql`INSERT INTO department_renames SELECT r->>0, r->>1 FROM jsonb_array_elements(${JSON.stringify(renames)}::jsonb) AS r`.execute(
    db,
  );
  await refuseTwoUnderOneName(db);

  const renamed = sql`(SELECT new FROM department_renames WHERE old = department)`;
  await sql`
    UPDATE sheets s
       SET department = r.new,
           state = jsonb_set(s.state, '{department}', to_jsonb(r.new)),
           -- The view is JSON text as rendered: its first "department" key is the sheet's own.
           view = CASE WHEN strpos(s.view, r.old_key) > 0 THEN overlay(s.view PLACING r.new_key FROM strpos(s.view, r.old_key) FOR length(r.old_key)) ELSE s.view END
      FROM (SELECT old, new, '"department":' || to_json(old)::text AS old_key, '"department":' || to_json(new)::text AS new_key FROM department_renames) r
     WHERE s.department = r.old`.execute(db);
  await sql`UPDATE sheet_indicators SET department = ${renamed} WHERE department IN (SELECT old FROM department_renames)`.execute(db);
  await sql`
    UPDATE ward_plans w SET department = r.new, state = jsonb_set(w.state, '{department}', to_jsonb(r.new))
      FROM department_renames r WHERE w.department = r.old`.execute(db);
  await sql`UPDATE contacts SET department = ${renamed} WHERE department IN (SELECT old FROM department_renames)`.execute(db);

  await sql`TRUNCATE ward_summaries, unit_completion, summary_streams`.execute(db);
  await sql`UPDATE processor_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now() WHERE processor IN ('summaries', 'reminders')`.execute(
    db,
  );
  await sql`INSERT INTO current_state_rebuilds DEFAULT VALUES ON CONFLICT DO NOTHING`.execute(db);
}

async function refuseTwoUnderOneName(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ what: string }>`
    SELECT format('%s %s (%s)', fiscal_year, name, string_agg(department || ': ' || id, ', ' ORDER BY department)) AS what
      FROM (SELECT s.fiscal_year, coalesce(r.new, s.department) || ' ' || s.unit AS name, s.department, s.sheet_id::text AS id
              FROM sheets s LEFT JOIN department_renames r ON r.old = s.department
            UNION ALL
            SELECT w.fiscal_year, coalesce(r.new, w.department) || ' ward plan', w.department, w.ward_plan_id::text
              FROM ward_plans w LEFT JOIN department_renames r ON r.old = w.department) AS named
     GROUP BY fiscal_year, name HAVING count(*) > 1 ORDER BY fiscal_year, name`.execute(db);
  if (rows.length > 0) {
    throw new Error(
      `departments now have one name (東区役所 = 東区), but these would then be two for one unit and year: ${rows.map((r) => r.what).join('; ')}`,
    );
  }
}

/** The old spellings are not kept anywhere, so there is nothing to go back to; the upcasters keep old events readable. */
export async function down(): Promise<void> {}
