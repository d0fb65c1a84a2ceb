/**
 * Which reminders a sheet should get: a pure function of the sheet, its policy, the business-day
 * calendar and the unit's contacts. The reminders table is kept equal to it by a diff, so every
 * change (a moved 評価日, an evaluation, recorded progress, a closed sheet, a new contact) is
 * handled the same way: plan again, cancel what is no longer wanted, add what is new.
 */
import { quarterEnd, type IsoDate, type Quarter } from '@shinchoku/municipality';
import type { Sheet } from '@shinchoku/sheets/domain';
import { businessDaysAfter, businessDaysBefore, type BusinessCalendar } from './business-days';
import type { ReminderPolicy, Role } from './policy';

export type ReminderKind = 'evaluation' | 'progress' | 'overdue';
export type ChannelName = 'email' | 'webhook' | 'log';
export type ReminderStatus = 'planned' | 'sent' | 'cancelled' | 'failed';

/** A person (or a shared mailbox) to remind for an org unit; without `unit`, for the whole department. */
export interface Contact {
  contactId: string;
  department: string;
  unit: string | null;
  name: string;
  role: Role;
  email: string | null;
  webhookUrl: string | null;
}

export interface Recipient {
  contactId: string | null;
  name: string | null;
  role: Role;
  /** The email address or webhook URL; null for the log channel. */
  address: string | null;
}

export interface DesiredReminder {
  /** Identifies the reminder within its sheet: the same key is the same reminder across plans. */
  key: string;
  sheetId: string;
  kind: ReminderKind;
  /** The deadline it reminds of: the 評価日, or the last day of the quarter. */
  dueOn: IsoDate;
  quarter: Quarter | null;
  sendOn: IsoDate;
  /** The instant it is sent: sendOn at the policy's time in Asia/Tokyo. */
  sendAt: Date;
  recipient: Recipient;
  channel: ChannelName;
}

const QUARTERS: readonly Quarter[] = [1, 2, 3, 4];

export function plan(sheet: Sheet, policy: ReminderPolicy, calendar: BusinessCalendar, contacts: readonly Contact[]): DesiredReminder[] {
  if (sheet.status === 'closed') return [];
  const planned = new Map<string, DesiredReminder>();
  const add = (kind: ReminderKind, dueOn: IsoDate, quarter: Quarter | null, sendOn: IsoDate, roles: readonly Role[]) => {
    for (const role of new Set(roles)) {
      for (const { recipient, channel } of deliveries(sheet, role, contacts)) {
        const key = [kind, dueOn, quarter ?? '-', sendOn, recipient.contactId ?? `role:${role}`, channel].join('|');
        const sendAt = new Date(`${sendOn}T${policy.sendTime}:00+09:00`);
        planned.set(key, { key, sheetId: sheet.sheetId, kind, dueOn, quarter, sendOn, sendAt, recipient, channel });
      }
    }
  };

  const evaluationDate = sheet.evaluationDate;
  if (evaluationDate && concerns(sheet, 'evaluation', null).length > 0) {
    for (const days of policy.evaluation.businessDaysBefore) {
      add('evaluation', evaluationDate, null, businessDaysBefore(calendar, evaluationDate, days), policy.evaluation.roles);
    }
    businessDaysAfter(calendar, evaluationDate, policy.overdue.businessDays).forEach((sendOn, index) => {
      const roles = policy.overdue.escalation.filter((step) => step.fromBusinessDay <= index + 1).map((step) => step.role);
      add('overdue', evaluationDate, null, sendOn, roles);
    });
  }
  for (const quarter of QUARTERS) {
    if (concerns(sheet, 'progress', quarter).length === 0) continue;
    const end = quarterEnd(sheet.fiscalYear, quarter);
    for (const days of policy.progress.businessDaysBefore) {
      add('progress', end, quarter, businessDaysBefore(calendar, end, days), policy.progress.roles);
    }
  }
  return [...planned.values()];
}

/** What a reminder is about, as of now: the goals not yet evaluated, or the indicators without the quarter's progress. */
export function concerns(sheet: Sheet, kind: ReminderKind, quarter: Quarter | null): string[] {
  if (kind === 'progress') {
    return sheet.goals.flatMap((goal) =>
      goal.indicators.filter((indicator) => !indicator.progress[quarter!]).map((indicator) => `目標${goal.no}「${indicator.name}」`),
    );
  }
  return sheet.goals.filter((goal) => !goal.evaluation).map((goal) => `目標${goal.no}「${goal.text}」`);
}

/** Each contact of the role for the sheet's unit (or its whole department), once per channel it has; the log when there is none. */
function deliveries(sheet: Sheet, role: Role, contacts: readonly Contact[]): Array<{ recipient: Recipient; channel: ChannelName }> {
  const matching = contacts.filter(
    (c) => c.role === role && c.department === sheet.department && (c.unit === null || c.unit === sheet.unit),
  );
  // Nobody to tell is not a reason to drop a reminder: it goes to the log, visible in the API and the audit trail.
  if (matching.length === 0) return [{ recipient: { contactId: null, name: null, role, address: null }, channel: 'log' }];
  return matching.flatMap((contact) => {
    const recipient = (address: string | null) => ({ contactId: contact.contactId, name: contact.name, role, address });
    const ways: Array<{ recipient: Recipient; channel: ChannelName }> = [];
    if (contact.email) ways.push({ recipient: recipient(contact.email), channel: 'email' });
    if (contact.webhookUrl) ways.push({ recipient: recipient(contact.webhookUrl), channel: 'webhook' });
    return ways.length > 0 ? ways : [{ recipient: recipient(null), channel: 'log' }];
  });
}

/** A row of the reminders table, as far as the diff needs it. */
export interface KnownReminder {
  reminderId: string;
  key: string;
  status: ReminderStatus;
  kind: ReminderKind;
  dueOn: IsoDate;
  quarter: Quarter | null;
}

export interface PlanChange {
  add: DesiredReminder[];
  cancel: Array<{ reminderId: string; reason: string }>;
}

/**
 * Planned rows no longer wanted are cancelled, with the reason; wanted reminders without a live
 * row are added unless their day has passed (a sheet created in June gets no April reminders).
 * Sent and failed rows are history and stay as they are.
 */
export function diffPlan(sheet: Sheet, desired: readonly DesiredReminder[], known: readonly KnownReminder[], today: IsoDate): PlanChange {
  const wanted = new Set(desired.map((d) => d.key));
  const live = new Set(known.filter((k) => k.status !== 'cancelled').map((k) => k.key));
  return {
    add: desired.filter((d) => !live.has(d.key) && d.sendOn >= today),
    cancel: known
      .filter((k) => k.status === 'planned' && !wanted.has(k.key))
      .map((k) => ({ reminderId: k.reminderId, reason: whyNotWanted(sheet, k) })),
  };
}

function whyNotWanted(sheet: Sheet, reminder: KnownReminder): string {
  const done = nothingLeft(sheet, reminder.kind, reminder.quarter);
  if (done) return done;
  if (reminder.kind !== 'progress' && reminder.dueOn !== sheet.evaluationDate) return 'evaluationDateMoved';
  return 'recipientsOrPolicyChanged';
}

/** Why nobody needs this reminder any more, when the work it asks for is done; undefined while it is not. */
export function nothingLeft(sheet: Sheet, kind: ReminderKind, quarter: Quarter | null): string | undefined {
  if (sheet.status === 'closed') return 'sheetClosed';
  if (concerns(sheet, kind, quarter).length > 0) return undefined;
  return kind === 'progress' ? 'progressRecorded' : 'goalsEvaluated';
}
