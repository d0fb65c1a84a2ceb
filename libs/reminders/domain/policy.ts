import { z } from 'zod';
import { departmentName } from '@shinchoku/municipality';

export const ROLES = ['担当', '課長', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

/** When reminders go out and to whom. Days are business days (開庁日). */
export interface ReminderPolicy {
  /** Before the 評価日, for goals not yet evaluated. */
  evaluation: { businessDaysBefore: number[]; roles: Role[] };
  /** Before each quarter closes, for indicators without progress for that quarter. */
  progress: { businessDaysBefore: number[]; roles: Role[] };
  /**
   * After a missed 評価日: one reminder a business day for `businessDays` days; from the n-th day
   * on, each escalation step's role is reminded too (担当 → 課長 → coordinator).
   */
  overdue: { businessDays: number; escalation: Array<{ fromBusinessDay: number; role: Role }> };
  /** Local time in Asia/Tokyo, "HH:MM". */
  sendTime: string;
}

export const DEFAULT_POLICY: ReminderPolicy = {
  evaluation: { businessDaysBefore: [14, 7, 3, 1], roles: ['担当'] },
  progress: { businessDaysBefore: [5], roles: ['担当'] },
  overdue: {
    businessDays: 10,
    escalation: [
      { fromBusinessDay: 1, role: '担当' },
      { fromBusinessDay: 3, role: '課長' },
      { fromBusinessDay: 5, role: 'coordinator' },
    ],
  },
  sendTime: '09:00',
};

const role = z.enum(ROLES, { error: "must be '担当', '課長' or 'coordinator'" });
const days = z.array(z.number().int('must be whole days').min(0).max(60)).max(20);
const sendTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** One override: any section, any field of it; unnamed fields keep the value beneath. */
const policyOverride = z
  .object({
    evaluation: z
      .object({ businessDaysBefore: days, roles: z.array(role) })
      .partial()
      .strict(),
    progress: z
      .object({ businessDaysBefore: days, roles: z.array(role) })
      .partial()
      .strict(),
    overdue: z
      .object({
        businessDays: z.number().int().min(0).max(60),
        escalation: z.array(z.object({ fromBusinessDay: z.number().int().min(1).max(60), role }).strict()),
      })
      .partial()
      .strict(),
    sendTime,
  })
  .partial()
  .strict();

/** Overrides keyed by the department's one name, however the setting spells it (東区役所 = 東区). */
const departmentOverrides = z.record(z.string(), policyOverride).transform((given, context) => {
  const byName: Record<string, PolicyOverride> = {};
  for (const [spelling, override] of Object.entries(given)) {
    const name = departmentName(spelling);
    if (name in byName)
      context.addIssue({ code: 'custom', path: [spelling], message: `names the same department as another key (${name})` });
    byName[name] = override;
  }
  return byName;
});

/** REMINDER_POLICY: overrides per department (部・区 name) and per sheet id. */
export const policyOverridesSchema = z
  .object({ departments: departmentOverrides, sheets: z.record(z.string(), policyOverride) })
  .partial()
  .strict();

export type PolicyOverride = z.infer<typeof policyOverride>;
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

/** Enough for any city's 区 and open sheets, and bounded so a hostile body cannot grow without end. */
const MAX_OVERRIDES = 1_000;
const boundedKeys = <T extends z.ZodType>(record: T) =>
  record.refine((given) => Object.keys(given as object).length <= MAX_OVERRIDES, `must name at most ${MAX_OVERRIDES} keys`);

const section = z.object({ businessDaysBefore: days, roles: z.array(role).max(ROLES.length) }).strict();

/**
 * The whole policy as an administrator records it (PUT /settings/reminders): every field of the
 * organization's own policy, and the department and sheet overrides REMINDER_POLICY may hold.
 */
export const policySettingSchema = z
  .object({
    evaluation: section,
    progress: section,
    overdue: z
      .object({
        businessDays: z.number().int().min(0).max(60),
        escalation: z.array(z.object({ fromBusinessDay: z.number().int().min(1).max(60), role }).strict()).max(20),
      })
      .strict(),
    sendTime,
    departments: boundedKeys(departmentOverrides).default({}),
    sheets: boundedKeys(z.record(z.string().min(1).max(100), policyOverride)).default({}),
  })
  .strict();

/** The organization's policy with the overrides of departments and sheets beneath it. */
export type PolicySetting = z.infer<typeof policySettingSchema>;

/** The environment's policy as a setting: the built-in default, with REMINDER_POLICY's overrides. */
export const policySettingOf = (overrides: PolicyOverrides): PolicySetting => ({
  ...DEFAULT_POLICY,
  departments: overrides.departments ?? {},
  sheets: overrides.sheets ?? {},
});

/** Merges an override into a policy: it names only what it changes. */
export const overridden = (policy: ReminderPolicy, override: PolicyOverride | undefined): ReminderPolicy =>
  override
    ? {
        evaluation: { ...policy.evaluation, ...override.evaluation },
        progress: { ...policy.progress, ...override.progress },
        overdue: { ...policy.overdue, ...override.overdue },
        sendTime: override.sendTime ?? policy.sendTime,
      }
    : policy;

/** The organization's policy (the built-in default unless given), then the department's override, then the sheet's. */
export function policyFor(
  overrides: PolicyOverrides,
  sheet: { sheetId: string; department: string },
  base: ReminderPolicy = DEFAULT_POLICY,
): ReminderPolicy {
  return overridden(overridden(base, overrides.departments?.[sheet.department]), overrides.sheets?.[sheet.sheetId]);
}
