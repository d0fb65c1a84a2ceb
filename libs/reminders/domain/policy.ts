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

/** One override: any section, any field of it; unnamed fields keep the value beneath. */
const policyOverride = z
  .object({
    evaluation: z.object({ businessDaysBefore: days, roles: z.array(role) }).partial().strict(),
    progress: z.object({ businessDaysBefore: days, roles: z.array(role) }).partial().strict(),
    overdue: z
      .object({
        businessDays: z.number().int().min(0).max(60),
        escalation: z.array(z.object({ fromBusinessDay: z.number().int().min(1).max(60), role }).strict()),
      })
      .partial()
      .strict(),
    sendTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  })
  .partial()
  .strict();

/** Overrides keyed by the department's one name, however the setting spells it (東区役所 = 東区). */
const departmentOverrides = z.record(z.string(), policyOverride).transform((given, context) => {
  const byName: Record<string, PolicyOverride> = {};
  for (const [spelling, override] of Object.entries(given)) {
    const name = departmentName(spelling);
    if (name in byName) context.addIssue({ code: 'custom', path: [spelling], message: `names the same department as another key (${name})` });
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

/** The default, then the department's override, then the sheet's: each names only what it changes. */
export function policyFor(overrides: PolicyOverrides, sheet: { sheetId: string; department: string }): ReminderPolicy {
  return [overrides.departments?.[sheet.department], overrides.sheets?.[sheet.sheetId]].reduce<ReminderPolicy>(
    (policy, override) =>
      override
        ? {
            evaluation: { ...policy.evaluation, ...override.evaluation },
            progress: { ...policy.progress, ...override.progress },
            overdue: { ...policy.overdue, ...override.overdue },
            sendTime: override.sendTime ?? policy.sendTime,
          }
        : policy,
    DEFAULT_POLICY,
  );
}
