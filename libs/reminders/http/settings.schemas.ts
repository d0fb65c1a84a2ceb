import { z } from 'zod';
import { policySettingSchema } from '../domain/policy';
import { MAX_CLOSED_DAYS } from '../domain/reminder-settings';

/** The request shapes of /settings/reminders: one source for validation (400 naming the field) and for OpenAPI. */

const REASON = 1_000;
const reason = z
  .string({ error: 'must say why the settings change' })
  .trim()
  .min(1, 'must say why the settings change')
  .max(REASON, `must be at most ${REASON} characters`);
const closedDays = z
  .array(z.iso.date({ error: 'must be a real date as YYYY-MM-DD' }))
  .max(MAX_CLOSED_DAYS, `must be at most ${MAX_CLOSED_DAYS} dates`);

/** PUT: the whole settings, as GET shows them, and why. */
export const replaceSettingsBody = z.object({ policy: policySettingSchema, closedDays, reason }).strict();

/** PATCH: a new policy (whole), closed days to add or remove, or both; and why. */
export const changeSettingsBody = z
  .object({
    policy: policySettingSchema.optional(),
    addClosedDays: closedDays.optional(),
    removeClosedDays: closedDays.optional(),
    reason,
  })
  .strict()
  .refine((body) => body.policy !== undefined || body.addClosedDays !== undefined || body.removeClosedDays !== undefined, {
    message: 'name at least one change: policy, addClosedDays or removeClosedDays',
  });
