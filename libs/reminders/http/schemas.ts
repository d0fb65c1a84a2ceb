import { z } from 'zod';
import { uuid, wholeNumberText } from '@shinchoku/http';
import { ROLES } from '../domain/policy';

/** The request shapes: one source for validation (400 with the field and reason) and for OpenAPI. */

const NAME = 200;
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const role = z.enum(ROLES, { error: "must be '担当', '課長' or 'coordinator'" });
const email = z.email({ error: 'must be an email address' }).max(320);
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2_000);

const contactFields = {
  department: text(NAME),
  /** Without a unit the contact serves the whole department (the coordinator, typically). */
  unit: text(NAME).nullable(),
  name: text(NAME),
  role,
  email: email.nullable(),
  webhookUrl: webhookUrl.nullable(),
};

export const createContactBody = z
  .object({
    department: contactFields.department,
    unit: contactFields.unit.optional(),
    name: contactFields.name,
    role,
    email: contactFields.email.optional(),
    webhookUrl: contactFields.webhookUrl.optional(),
  })
  .strict();

export const updateContactBody = z
  .object(contactFields)
  .partial()
  .strict()
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'name at least one field to change')
  .meta({ minProperties: 1 });

export const listContactsQuery = z.object({ department: text(NAME).optional(), unit: text(NAME).optional() }).strict();

export const listRemindersQuery = z
  .object({
    sheetId: uuid.optional(),
    status: z.enum(['planned', 'sent', 'cancelled', 'failed'], { error: "must be 'planned', 'sent', 'cancelled' or 'failed'" }).optional(),
    limit: wholeNumberText(1, 1000, 'must be 1 to 1000').default(200),
  })
  .strict();

export const idParam = uuid;
