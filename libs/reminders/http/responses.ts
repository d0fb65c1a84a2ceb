import { z } from 'zod';
import { named } from '@shinchoku/http';
import { ROLES } from '../domain/policy';

/** The response shapes of contacts and reminders: one source for the handlers' types and for OpenAPI. */

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
        recipient: z.object({ contactId: z.uuid().nullable(), name: z.string().nullable(), role: z.enum(ROLES), address: z.string().nullable() }).meta({ description: 'Who it is for, as planned.' }),
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
