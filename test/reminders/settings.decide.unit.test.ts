import { DEFAULT_POLICY, policyOverridesSchema, policySettingOf, type PolicySetting } from '@shinchoku/reminders/domain/policy';
import {
  decideSettings,
  evolveSettings,
  initialSettings,
  MAX_CLOSED_DAYS,
  SettingsRefused,
  type ReminderSettingsCommand,
  type ReminderSettingsEvent,
  type SettingsDefaults,
} from '@shinchoku/reminders/domain/reminder-settings';

/** Given the environment's defaults and the events recorded so far, when a command comes, then these events (or this refusal). */
const ENVIRONMENT: SettingsDefaults = {
  policy: policyOverridesSchema.parse({ departments: { 西区役所: { sendTime: '08:30' } } }),
  closedDays: ['2025-05-01', '2025-04-30', '2025-05-01'],
};
const given = (...events: ReminderSettingsEvent[]) => events.reduce(evolveSettings, initialSettings(ENVIRONMENT));
const when = (command: ReminderSettingsCommand, state = given()) => decideSettings(command, state);
const refusal = (decision: ReturnType<typeof decideSettings>) => {
  expect(decision).toBeInstanceOf(SettingsRefused);
  const { code, path } = decision as SettingsRefused;
  return { code, path };
};

const REASON = '条例改正に伴う見直し';
const policy = (change: (p: PolicySetting) => void = () => undefined): PolicySetting => {
  const p = structuredClone(policySettingOf({}));
  change(p);
  return p;
};

describe('reminder settings before any change', () => {
  it('are the environment: the built-in policy with REMINDER_POLICY beneath it, REMINDER_CLOSED_DAYS sorted and each once', () => {
    expect(given()).toEqual({
      policy: { ...DEFAULT_POLICY, departments: { 西区: { sendTime: '08:30' } }, sheets: {} },
      closedDays: ['2025-04-30', '2025-05-01'],
    });
  });
});

describe('ChangeReminderPolicy', () => {
  it('records the whole new policy', () => {
    const next = policy((p) => (p.evaluation.businessDaysBefore = [10, 2]));
    const events = when({ type: 'ChangeReminderPolicy', policy: next, reason: REASON });
    expect(events).toEqual([{ type: 'ReminderPolicyChanged', data: { policy: next } }]);
    expect(given(...(events as ReminderSettingsEvent[])).policy.evaluation.businessDaysBefore).toEqual([10, 2]);
  });

  it('records nothing when the policy is the one in force', () => {
    expect(when({ type: 'ChangeReminderPolicy', policy: given().policy, reason: REASON })).toEqual([]);
  });

  it('gives each department its one name (東区役所 = 東区), as REMINDER_POLICY does', () => {
    const events = when({
      type: 'ChangeReminderPolicy',
      policy: policy((p) => (p.departments = { 東区役所: { sendTime: '10:00' } })),
      reason: REASON,
    });
    expect((events as ReminderSettingsEvent[])[0]!.data).toMatchObject({ policy: { departments: { 東区: { sendTime: '10:00' } } } });
  });

  it.each<[string, (p: PolicySetting) => void, string, string]>([
    ['negative days', (p) => (p.evaluation.businessDaysBefore = [-1]), 'InvalidPolicy', 'policy.evaluation.businessDaysBefore[0]'],
    ['more than 60 days', (p) => (p.progress.businessDaysBefore = [61]), 'InvalidPolicy', 'policy.progress.businessDaysBefore[0]'],
    ['half days', (p) => (p.overdue.businessDays = 1.5), 'InvalidPolicy', 'policy.overdue.businessDays'],
    ['an unknown role', (p) => (p.evaluation.roles = ['部長' as never]), 'InvalidPolicy', 'policy.evaluation.roles[0]'],
    ['a send time of 25:00', (p) => (p.sendTime = '25:00'), 'InvalidPolicy', 'policy.sendTime'],
    ['an unknown key', (p) => Object.assign(p, { holidays: [] }), 'InvalidPolicy', 'policy'],
    [
      'the same day twice',
      (p) => (p.evaluation.businessDaysBefore = [7, 3, 7]),
      'DuplicateValue',
      'policy.evaluation.businessDaysBefore[2]',
    ],
    ['the same role twice', (p) => (p.progress.roles = ['担当', '担当']), 'DuplicateValue', 'policy.progress.roles[1]'],
    ['reminders for no role', (p) => (p.evaluation.roles = []), 'NobodyToRemind', 'policy.evaluation.roles'],
    ['overdue reminders without escalation', (p) => (p.overdue.escalation = []), 'NobodyToRemind', 'policy.overdue.escalation'],
    [
      'an escalation step after the last overdue day',
      (p) => (p.overdue.businessDays = 4),
      'EscalationNeverReached',
      'policy.overdue.escalation[2].fromBusinessDay',
    ],
    [
      'a role escalated to twice',
      (p) =>
        (p.overdue.escalation = [
          { fromBusinessDay: 1, role: '担当' },
          { fromBusinessDay: 2, role: '担当' },
        ]),
      'DuplicateValue',
      'policy.overdue.escalation[1].role',
    ],
    [
      "a department's override that reminds nobody",
      (p) => (p.departments = { 北区: { progress: { roles: [] } } }),
      'NobodyToRemind',
      'policy.departments.北区.progress.roles',
    ],
  ])('refuses %s', (_what, change, code, path) => {
    expect(refusal(when({ type: 'ChangeReminderPolicy', policy: policy(change), reason: REASON }))).toEqual({ code, path });
  });

  it('accepts no reminders at all: no days, no roles, no overdue days', () => {
    const quiet = policy((p) => {
      p.evaluation = { businessDaysBefore: [], roles: [] };
      p.progress = { businessDaysBefore: [], roles: [] };
      p.overdue = { businessDays: 0, escalation: [] };
    });
    expect(when({ type: 'ChangeReminderPolicy', policy: quiet, reason: REASON })).toHaveLength(1);
  });

  it.each(['', '   ', 'x'.repeat(1_001)])('refuses a reason of %j', (reason) => {
    expect(refusal(when({ type: 'ChangeReminderPolicy', policy: policy(), reason }))).toEqual({ code: 'ReasonRequired', path: 'reason' });
  });
});

describe('SetClosedDays', () => {
  it('records the new list sorted, with what it adds and removes', () => {
    expect(when({ type: 'SetClosedDays', closedDays: ['2025-08-13', '2025-04-30'], reason: REASON })).toEqual([
      { type: 'ClosedDaysChanged', data: { closedDays: ['2025-04-30', '2025-08-13'], added: ['2025-08-13'], removed: ['2025-05-01'] } },
    ]);
  });

  it('records nothing for the list in force, in any order', () => {
    expect(when({ type: 'SetClosedDays', closedDays: ['2025-05-01', '2025-04-30'], reason: REASON })).toEqual([]);
  });

  it('clears the list', () => {
    const events = when({ type: 'SetClosedDays', closedDays: [], reason: REASON }) as ReminderSettingsEvent[];
    expect(given(...events).closedDays).toEqual([]);
  });

  it.each<[string, string[], string, string]>([
    ['a day that does not exist', ['2026-02-30'], 'InvalidClosedDay', 'closedDays[0]'],
    ['29 February of a common year', ['2025-04-30', '2025-02-29'], 'InvalidClosedDay', 'closedDays[1]'],
    ['a date not as YYYY-MM-DD', ['2025/05/01'], 'InvalidClosedDay', 'closedDays[0]'],
    ['a day twice', ['2025-05-01', '2025-05-01'], 'DuplicateClosedDay', 'closedDays[1]'],
  ])('refuses %s', (_what, closedDays, code, path) => {
    expect(refusal(when({ type: 'SetClosedDays', closedDays, reason: REASON }))).toEqual({ code, path });
  });

  it(`refuses more than ${MAX_CLOSED_DAYS} days`, () => {
    const days = Array.from({ length: MAX_CLOSED_DAYS + 1 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
    expect(refusal(when({ type: 'SetClosedDays', closedDays: days, reason: REASON }))).toEqual({
      code: 'TooManyClosedDays',
      path: 'closedDays',
    });
  });
});

describe('ChangeClosedDays', () => {
  const change = (addClosedDays: string[], removeClosedDays: string[] = []) =>
    ({ type: 'ChangeClosedDays', addClosedDays, removeClosedDays, reason: REASON }) as const;

  it('adds and removes days, and says which', () => {
    expect(when(change(['2025-08-13', '2025-08-14'], ['2025-04-30']))).toEqual([
      {
        type: 'ClosedDaysChanged',
        data: { closedDays: ['2025-05-01', '2025-08-13', '2025-08-14'], added: ['2025-08-13', '2025-08-14'], removed: ['2025-04-30'] },
      },
    ]);
  });

  it('works on the list as recorded, not as the environment had it', () => {
    const state = given({
      type: 'ClosedDaysChanged',
      data: { closedDays: ['2025-08-13'], added: ['2025-08-13'], removed: ['2025-04-30', '2025-05-01'] },
    });
    expect(refusal(when(change([], ['2025-05-01']), state))).toEqual({ code: 'ClosedDayNotListed', path: 'removeClosedDays[0]' });
  });

  it.each<[string, ReminderSettingsCommand, string, string]>([
    ['adding a day already closed', change(['2025-05-01']), 'ClosedDayAlreadyListed', 'addClosedDays[0]'],
    ['removing a day not closed', change([], ['2025-08-13']), 'ClosedDayNotListed', 'removeClosedDays[0]'],
    ['adding and removing the same day', change(['2025-08-13'], ['2025-05-01', '2025-08-13']), 'ClosedDayNotListed', 'removeClosedDays[1]'],
    ['adding a day that does not exist', change(['2025-04-31']), 'InvalidClosedDay', 'addClosedDays[0]'],
    ['adding a day twice', change(['2025-08-13', '2025-08-13']), 'DuplicateClosedDay', 'addClosedDays[1]'],
  ])('refuses %s', (_what, command, code, path) => {
    expect(refusal(when(command))).toEqual({ code, path });
  });

  it('refuses growing the list past the limit, naming the days added', () => {
    const state = {
      ...given(),
      closedDays: Array.from({ length: MAX_CLOSED_DAYS }, (_, i) => new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10)),
    };
    expect(refusal(when(change(['2025-08-13']), state))).toEqual({ code: 'TooManyClosedDays', path: 'addClosedDays' });
  });
});
