/**
 * The municipality's reminder settings as a decider: its policy (business days before 評価日 and
 * before each quarter closes, escalation after a missed 評価日) and its own closed days (閉庁日).
 * The environment gives the starting values; recorded changes replace them, each with who and why.
 * Pure: no clock, no I/O.
 */
import { isValidIsoDate, type IsoDate } from '@shinchoku/municipality';
import { canonicalJson } from '@shinchoku/sheets/domain';
import { overridden, policySettingOf, policySettingSchema, type PolicyOverrides, type PolicySetting, type ReminderPolicy } from './policy';

export interface ReminderSettingsState {
  policy: PolicySetting;
  /** Sorted, each once. */
  closedDays: IsoDate[];
}

/** What the environment says (REMINDER_POLICY over the built-in default, REMINDER_CLOSED_DAYS): the state before any recorded change. */
export interface SettingsDefaults {
  policy: PolicyOverrides;
  closedDays: readonly IsoDate[];
}

export const MAX_CLOSED_DAYS = 1_000;
const MAX_REASON = 1_000;

export type ReminderSettingsCommand = { reason: string } & (
  | { type: 'ChangeReminderPolicy'; policy: PolicySetting }
  | { type: 'SetClosedDays'; closedDays: IsoDate[] }
  | { type: 'ChangeClosedDays'; addClosedDays: IsoDate[]; removeClosedDays: IsoDate[] }
);

/** The reason and the actor of each change are the event's metadata, as for every event in the store. */
export type ReminderSettingsEvent =
  | { type: 'ReminderPolicyChanged'; data: { policy: PolicySetting } }
  | { type: 'ClosedDaysChanged'; data: { closedDays: IsoDate[]; added: IsoDate[]; removed: IsoDate[] } };

export type SettingsErrorCode =
  | 'ReasonRequired'
  | 'InvalidPolicy'
  | 'DuplicateValue'
  | 'NobodyToRemind'
  | 'EscalationNeverReached'
  | 'InvalidClosedDay'
  | 'DuplicateClosedDay'
  | 'ClosedDayAlreadyListed'
  | 'ClosedDayNotListed'
  | 'TooManyClosedDays';

/** A change the settings refuse. `path` names the field at fault in the command's terms (policy.overdue.escalation[2].fromBusinessDay). */
export class SettingsRefused extends Error {
  override readonly name = 'SettingsRefused';
  constructor(
    readonly code: SettingsErrorCode,
    override readonly message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function initialSettings(defaults: SettingsDefaults): ReminderSettingsState {
  return { policy: policySettingOf(defaults.policy), closedDays: [...new Set(defaults.closedDays)].sort() };
}

export function evolveSettings(state: ReminderSettingsState, event: ReminderSettingsEvent): ReminderSettingsState {
  switch (event.type) {
    case 'ReminderPolicyChanged':
      return { ...state, policy: event.data.policy };
    case 'ClosedDaysChanged':
      return { ...state, closedDays: event.data.closedDays };
  }
}

/** The events of a change; none when it changes nothing (the same policy again, a closed day list as it is). */
export function decideSettings(command: ReminderSettingsCommand, state: ReminderSettingsState): ReminderSettingsEvent[] | SettingsRefused {
  const reason = command.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON) {
    return new SettingsRefused('ReasonRequired', `a change of the settings needs a reason of 1 to ${MAX_REASON} characters`, 'reason');
  }
  switch (command.type) {
    case 'ChangeReminderPolicy': {
      const parsed = policySettingSchema.safeParse(command.policy);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return new SettingsRefused('InvalidPolicy', issue.message, fieldPath('policy', issue.path));
      }
      const refused = senseless(parsed.data);
      if (refused) return refused;
      return canonicalJson(parsed.data) === canonicalJson(state.policy)
        ? []
        : [{ type: 'ReminderPolicyChanged', data: { policy: parsed.data } }];
    }
    case 'SetClosedDays': {
      const refused = badDays(command.closedDays, 'closedDays');
      return refused ?? closedDaysNow(state, command.closedDays, 'closedDays');
    }
    case 'ChangeClosedDays': {
      const refused =
        badDays(command.addClosedDays, 'addClosedDays') ??
        badDays(command.removeClosedDays, 'removeClosedDays') ??
        listed(
          command.addClosedDays,
          'addClosedDays',
          (day) => state.closedDays.includes(day),
          'ClosedDayAlreadyListed',
          'is already a closed day',
        ) ??
        // A day both added and removed fails one of these: it is either closed already or not.
        listed(
          command.removeClosedDays,
          'removeClosedDays',
          (day) => !state.closedDays.includes(day),
          'ClosedDayNotListed',
          'is not a closed day',
        );
      if (refused) return refused;
      const removed = new Set(command.removeClosedDays);
      return closedDaysNow(state, [...state.closedDays.filter((day) => !removed.has(day)), ...command.addClosedDays], 'addClosedDays');
    }
  }
}

/** `field`: the one that made the list, named when it grows too long. */
function closedDaysNow(state: ReminderSettingsState, days: readonly IsoDate[], field: string): ReminderSettingsEvent[] | SettingsRefused {
  if (days.length > MAX_CLOSED_DAYS) {
    return new SettingsRefused('TooManyClosedDays', `at most ${MAX_CLOSED_DAYS} closed days; this would make ${days.length}`, field);
  }
  const closedDays = [...days].sort();
  const before = new Set(state.closedDays);
  const after = new Set(closedDays);
  const added = closedDays.filter((day) => !before.has(day));
  const removed = state.closedDays.filter((day) => !after.has(day));
  return added.length + removed.length === 0 ? [] : [{ type: 'ClosedDaysChanged', data: { closedDays, added, removed } }];
}

/** Real calendar dates (2026-02-30 is none), each once. */
function badDays(days: readonly IsoDate[], field: string): SettingsRefused | undefined {
  if (days.length > MAX_CLOSED_DAYS) return new SettingsRefused('TooManyClosedDays', `at most ${MAX_CLOSED_DAYS} closed days`, field);
  const seen = new Set<IsoDate>();
  for (const [index, day] of days.entries()) {
    if (typeof day !== 'string' || !isValidIsoDate(day)) {
      return new SettingsRefused('InvalidClosedDay', `${JSON.stringify(day)} is not a date as YYYY-MM-DD`, `${field}[${index}]`);
    }
    if (seen.has(day)) return new SettingsRefused('DuplicateClosedDay', `${day} is named twice`, `${field}[${index}]`);
    seen.add(day);
  }
  return undefined;
}

function listed(days: readonly IsoDate[], field: string, wrong: (day: IsoDate) => boolean, code: SettingsErrorCode, why: string) {
  const index = days.findIndex(wrong);
  return index < 0 ? undefined : new SettingsRefused(code, `${days[index]} ${why}`, `${field}[${index}]`);
}

/**
 * A policy that reminds nobody of something it plans, or escalates on a day that never comes:
 * checked for the organization's policy and for each department's and sheet's as overridden.
 */
function senseless(setting: PolicySetting): SettingsRefused | undefined {
  const base: ReminderPolicy = {
    evaluation: setting.evaluation,
    progress: setting.progress,
    overdue: setting.overdue,
    sendTime: setting.sendTime,
  };
  const checked: Array<[string, ReminderPolicy]> = [
    ['policy', base],
    ...Object.entries(setting.departments).map(([name, override]): [string, ReminderPolicy] => [
      `policy.departments.${name}`,
      overridden(base, override),
    ]),
    ...Object.entries(setting.sheets).map(([id, override]): [string, ReminderPolicy] => [
      `policy.sheets.${id}`,
      overridden(base, override),
    ]),
  ];
  for (const [path, policy] of checked) {
    const refused = senselessPolicy(policy, path);
    if (refused) return refused;
  }
  return undefined;
}

function senselessPolicy(policy: ReminderPolicy, path: string): SettingsRefused | undefined {
  for (const kind of ['evaluation', 'progress'] as const) {
    const { businessDaysBefore, roles } = policy[kind];
    const refused = twice(businessDaysBefore, `${path}.${kind}.businessDaysBefore`) ?? twice(roles, `${path}.${kind}.roles`);
    if (refused) return refused;
    if (businessDaysBefore.length > 0 && roles.length === 0) {
      return new SettingsRefused('NobodyToRemind', `${kind} reminders are planned, but for no role`, `${path}.${kind}.roles`);
    }
  }
  const { businessDays, escalation } = policy.overdue;
  if (businessDays > 0 && escalation.length === 0) {
    return new SettingsRefused(
      'NobodyToRemind',
      'overdue reminders are planned, but no escalation step names a role',
      `${path}.overdue.escalation`,
    );
  }
  const late = escalation.findIndex((step) => step.fromBusinessDay > businessDays);
  if (late >= 0) {
    return new SettingsRefused(
      'EscalationNeverReached',
      `business day ${escalation[late]!.fromBusinessDay} after the 評価日 never comes: overdue reminders stop after ${businessDays}`,
      `${path}.overdue.escalation[${late}].fromBusinessDay`,
    );
  }
  return twice(
    escalation.map((step) => step.role),
    `${path}.overdue.escalation`,
    (index) => `[${index}].role`,
  );
}

function twice<T>(values: readonly T[], path: string, at = (index: number) => `[${index}]`): SettingsRefused | undefined {
  const index = values.findIndex((value, i) => values.indexOf(value) !== i);
  return index < 0
    ? undefined
    : new SettingsRefused('DuplicateValue', `${JSON.stringify(values[index])} is named twice`, `${path}${at(index)}`);
}

function fieldPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), root);
}
