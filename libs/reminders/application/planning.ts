import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ContactsTable, Database } from '@shinchoku/database';
import type { ReminderSettings } from '../reminder-settings';
import type { Sheet } from '@shinchoku/sheets/domain';
import type { Quarter } from '@shinchoku/municipality';
import { businessCalendar } from '../domain/business-days';
import { diffPlan, plan, type Contact, type KnownReminder, type ReminderKind, type ReminderStatus } from '../domain/planner';
import { policyFor, type Role } from '../domain/policy';
import type { SettingsDefaults } from '../domain/reminder-settings';
import { readSettings } from './settings-stream';

/**
 * What planning starts from: the environment's policy overrides (REMINDER_POLICY) and closed days
 * (REMINDER_CLOSED_DAYS). Each plan applies the changes recorded since (see readSettings).
 */
export type PlanningRules = SettingsDefaults;

export const planningRules = (settings: Pick<ReminderSettings, 'policy' | 'closedDays'>): PlanningRules => ({
  policy: settings.policy,
  closedDays: settings.closedDays,
});

const CHUNK = 500;

/**
 * Brings the reminders of these sheets in line with their current state (the inline projection,
 * exact as of this transaction): cancels planned reminders no longer wanted, adds new ones.
 * Plans serialize on one advisory lock, so the feed processor and a contact change never race.
 */
export async function replan(trx: Transaction<Database>, sheetIds: readonly string[], rules: PlanningRules, today: string, now: Date) {
  if (sheetIds.length === 0) return { added: 0, cancelled: 0 };
  await sql`SELECT pg_advisory_xact_lock(hashtext('shinchoku:reminders:plan'))`.execute(trx);
  // Read under the lock: a settings change holds it while it plans again, so no plan uses settings older than one committed.
  const { policy, closedDays } = (await readSettings(trx, rules)).state;
  const { departments, sheets: sheetOverrides, ...base } = policy;
  const calendar = businessCalendar(closedDays);
  let added = 0;
  let cancelled = 0;
  for (let at = 0; at < sheetIds.length; at += CHUNK) {
    const ids = sheetIds.slice(at, at + CHUNK);
    const sheets = await trx.selectFrom('sheets').select('state').where('sheet_id', 'in', ids).execute();
    const states = sheets.map((row) => row.state as Sheet);
    if (states.length === 0) continue;
    const contacts = await contactsOf(trx, [...new Set(states.map((s) => s.department))]);
    const known = await knownReminders(trx, ids);

    const rows = [];
    const cancels: Array<{ reminderId: string; reason: string }> = [];
    for (const sheet of states) {
      const desired = plan(sheet, policyFor({ departments, sheets: sheetOverrides }, sheet, base), calendar, contacts);
      const change = diffPlan(sheet, desired, known.get(sheet.sheetId) ?? [], today);
      cancels.push(...change.cancel);
      rows.push(
        ...change.add.map((d) => ({
          reminder_id: randomUUID(),
          sheet_id: d.sheetId,
          plan_key: d.key,
          kind: d.kind,
          due_on: d.dueOn,
          quarter: d.quarter,
          send_on: d.sendOn,
          send_at: d.sendAt,
          recipient: JSON.stringify(d.recipient),
          channel: d.channel,
          status: 'planned',
          planned_at: now,
        })),
      );
    }
    for (let i = 0; i < rows.length; i += 2_000) {
      const inserted = await trx
        .insertInto('reminders')
        .values(rows.slice(i, i + 2_000))
        .onConflict((oc) => oc.columns(['sheet_id', 'plan_key']).where('status', '<>', 'cancelled').doNothing())
        .executeTakeFirst();
      added += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    }
    cancelled += await cancel(trx, cancels, now);
  }
  return { added, cancelled };
}

/**
 * Cancels planned reminders, each with its reason; a sent, failed or already cancelled one stays
 * as it is, and so does one a sender holds right now (it checks for itself before it sends).
 */
async function cancel(trx: Transaction<Database>, cancels: ReadonlyArray<{ reminderId: string; reason: string }>, now: Date) {
  if (cancels.length === 0) return 0;
  const { rows } = await sql<{ reminder_id: string }>`
    UPDATE reminders r
       SET status = 'cancelled', reason = c.reason, finished_at = ${now}, lease_token = NULL, lease_until = NULL
      FROM unnest(${cancels.map((c) => c.reminderId)}::uuid[], ${cancels.map((c) => c.reason)}::text[]) AS c(id, reason)
     WHERE r.reminder_id = c.id AND r.status = 'planned' AND (r.lease_until IS NULL OR r.lease_until < ${now})
    RETURNING r.reminder_id`.execute(trx);
  return rows.length;
}

/** Plans every open sheet again: after the policy or the closed days changed. */
export async function replanOpenSheets(trx: Transaction<Database>, rules: PlanningRules, today: string, now: Date) {
  const open = await trx.selectFrom('sheets').select('sheet_id').where('status', '<>', 'closed').orderBy('sheet_id').execute();
  return replan(
    trx,
    open.map((row) => row.sheet_id),
    rules,
    today,
    now,
  );
}

/** The open sheets a contact of this department (and unit, when it has one) may be reminded for. */
export async function sheetsReachedBy(
  db: Kysely<Database> | Transaction<Database>,
  department: string,
  unit: string | null,
): Promise<string[]> {
  let query = db.selectFrom('sheets').select('sheet_id').where('department', '=', department).where('status', '<>', 'closed');
  if (unit !== null) query = query.where('unit', '=', unit);
  return (await query.execute()).map((row) => row.sheet_id);
}

async function contactsOf(trx: Transaction<Database>, departments: string[]): Promise<Contact[]> {
  const rows = await trx.selectFrom('contacts').selectAll().where('department', 'in', departments).orderBy('contact_id').execute();
  return rows.map(toContact);
}

export function toContact(row: ContactsTable): Contact {
  return {
    contactId: row.contact_id,
    department: row.department,
    unit: row.unit,
    name: row.name,
    role: row.role as Role,
    email: row.email,
    webhookUrl: row.webhook_url,
  };
}

async function knownReminders(trx: Transaction<Database>, sheetIds: string[]): Promise<Map<string, KnownReminder[]>> {
  const rows = await trx
    .selectFrom('reminders')
    .select(['reminder_id', 'sheet_id', 'plan_key', 'status', 'kind', 'due_on', 'quarter'])
    .where('sheet_id', 'in', sheetIds)
    .where('status', '<>', 'cancelled')
    .execute();
  const known = new Map<string, KnownReminder[]>();
  for (const row of rows) {
    const list = known.get(row.sheet_id) ?? [];
    list.push({
      reminderId: row.reminder_id,
      key: row.plan_key,
      status: row.status as ReminderStatus,
      kind: row.kind as ReminderKind,
      dueOn: row.due_on,
      quarter: row.quarter as Quarter | null,
    });
    known.set(row.sheet_id, list);
  }
  return known;
}
