import { z } from 'zod';
import { named } from '@shinchoku/http';
import { ROLES, policySettingSchema } from '../domain/policy';

/** The response shapes of contacts, reminders and their settings: one source for the handlers' types and for OpenAPI. */

const instant = z.string().meta({ format: 'date-time' });
const isoDate = z.string().meta({ format: 'date' });

export const contact = named(
  'Contact',
  'Who is reminded for an org unit (or, without a unit, for the whole department).',
  z.object({
    contactId: z.uuid(),
    department: z.string(),
    unit: z.string().nullable().meta({ description: 'The org unit (課); null for the whole department.' }),
    name: z.string(),
    role: z.enum(ROLES),
    email: z.string().nullable(),
    webhookUrl: z.string().nullable(),
  }),
);

export const contactList = named('ContactList', 'Contacts the token may manage.', z.object({ items: z.array(contact) }));

export const reminderList = named(
  'ReminderList',
  'Reminders planned, and what became of each: sent, cancelled or failed, with the reason.',
  z.object({
    items: z.array(
      z.object({
        reminderId: z.uuid(),
        sheetId: z.uuid(),
        kind: z.string(),
        dueOn: isoDate,
        quarter: z.number().int().nullable(),
        sendOn: isoDate,
        sendAt: instant,
        recipient: z
          .object({ contactId: z.uuid().nullable(), name: z.string().nullable(), role: z.enum(ROLES), address: z.string().nullable() })
          .meta({ description: 'Who it is for, as planned.' }),
        channel: z.string(),
        status: z.enum(['planned', 'sent', 'cancelled', 'failed']),
        reason: z.string().nullable(),
        attempts: z.number().int(),
        plannedAt: instant,
        finishedAt: instant.nullable(),
      }),
    ),
  }),
);

const actor = z.object({ id: z.string(), name: z.string() });

/** The policy as PUT takes it and GET shows it: the same schema, named once. */
const reminderPolicy = named(
  'ReminderPolicySetting',
  'When reminders go out and to whom, in business days (開庁日): before 評価日 (evaluation), before each quarter closes (progress), after a missed 評価日 (overdue, with escalation), and overrides per department and sheet.',
  policySettingSchema,
);

/** Where a setting's value comes from: the environment variable, or the recorded change that last set it. */
const settingSource = z.discriminatedUnion('from', [
  z.object({ from: z.literal('environment'), variable: z.string().meta({ description: 'REMINDER_POLICY or REMINDER_CLOSED_DAYS.' }) }),
  z.object({ from: z.literal('recorded'), version: z.number().int(), recordedAt: instant, actor, reason: z.string().nullable() }),
]);

export const reminderSettings = named(
  'ReminderSettings',
  'The effective reminder policy and closed days (閉庁日), the version to send back as If-Match, and where each value comes from.',
  z.object({
    policy: reminderPolicy,
    closedDays: z.array(isoDate).meta({ description: 'Sorted, each once.' }),
    version: z.number().int().meta({ description: '0 while the environment’s values stand.' }),
    sources: z.object({ policy: settingSource, closedDays: settingSource }),
  }),
);

export const reminderSettingsHistory = named(
  'ReminderSettingsHistory',
  'Every recorded change of the settings, oldest first, with who and why.',
  z.object({
    items: z.array(
      z.object({
        version: z.number().int(),
        type: z.enum(['ReminderPolicyChanged', 'ClosedDaysChanged']),
        schemaVersion: z.number().int(),
        recordedAt: instant,
        actor,
        reason: z.string().nullable(),
        data: z.union([
          z.object({ policy: reminderPolicy }),
          z.object({ closedDays: z.array(isoDate), added: z.array(isoDate), removed: z.array(isoDate) }),
        ]),
      }),
    ),
    version: z.number().int(),
  }),
);
