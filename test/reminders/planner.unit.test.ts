import { businessCalendar } from '@shinchoku/reminders/domain/business-days';
import { composeMessage } from '@shinchoku/reminders/domain/message';
import { concerns, diffPlan, plan, type Contact, type DesiredReminder, type KnownReminder } from '@shinchoku/reminders/domain/planner';
import { DEFAULT_POLICY, policyFor, policyOverridesSchema } from '@shinchoku/reminders/domain/policy';
import type { Undated } from '@shinchoku/sheets/application/command-runner';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { seed西区地域課, stateAfter, 西区地域課 } from '../sheets/sheet-builder';

const calendar = businessCalendar();
const today = '2024-04-01';
const contacts: Contact[] = [
  {
    contactId: 'c-tanto',
    department: '西区',
    unit: '地域課',
    name: '新潟 花子',
    role: '担当',
    email: 'hanako@example.jp',
    webhookUrl: null,
  },
  {
    contactId: 'c-kacho',
    department: '西区',
    unit: '地域課',
    name: '佐潟 太郎',
    role: '課長',
    email: null,
    webhookUrl: 'https://hooks.example.jp/x',
  },
  {
    contactId: 'c-coord',
    department: '西区',
    unit: null,
    name: '区 調整',
    role: 'coordinator',
    email: 'coord@example.jp',
    webhookUrl: null,
  },
  { contactId: 'c-other', department: '西区', unit: '区民生活課', name: '他課', role: '担当', email: 'other@example.jp', webhookUrl: null },
];

const sheetWith = (...more: Array<Undated<SheetCommand>>): Sheet =>
  stateAfter([...seed西区地域課(), ...more.map((c) => ({ today, ...c }))]);
const due = (date: string) => ({ type: 'SetEvaluationDate', date }) as const;
const kinds = (reminders: DesiredReminder[], kind: string) =>
  reminders
    .filter((r) => r.kind === kind && r.recipient.role === '担当')
    .map((r) => r.sendOn)
    .sort();
const { sns, followers, proposals, sports, sakata, councilProjects, communityGroups } = 西区地域課;
const INDICATORS = [sns, followers, proposals, sports, sakata, councilProjects, communityGroups];
const allGoals = (rating: '○' | '△' = '○') => 西区地域課.goals.map((goalId) => ({ type: 'Evaluate', goalId, rating }) as const);

describe('the reminder plan of a sheet', () => {
  it('評価日 2025-05-07 (Golden Week): 14, 7, 3 and 1 business days before, at 09:00 in Tokyo', () => {
    const reminders = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts);
    expect(kinds(reminders, 'evaluation')).toEqual(['2025-04-14', '2025-04-23', '2025-04-30', '2025-05-02']);
    const first = reminders.find((r) => r.kind === 'evaluation' && r.sendOn === '2025-05-02')!;
    expect(first.sendAt.toISOString()).toBe('2025-05-02T00:00:00.000Z');
    expect(first).toMatchObject({ dueOn: '2025-05-07', channel: 'email', recipient: { name: '新潟 花子', address: 'hanako@example.jp' } });
  });

  it('評価日 2025-01-06 (after 年末年始): the last reminder goes out on 12/27', () => {
    const sheet = { ...sheetWith(), evaluationDate: '2025-01-06' };
    expect(kinds(plan(sheet, DEFAULT_POLICY, calendar, contacts), 'evaluation')).toEqual([
      '2024-12-10',
      '2024-12-19',
      '2024-12-25',
      '2024-12-27',
    ]);
  });

  it('five business days before each quarter closes, for indicators without progress', () => {
    const sheet = sheetWith({ type: 'RecordProgress', indicatorId: 西区地域課.sns, quarter: 2, value: 48 });
    const reminders = plan(sheet, DEFAULT_POLICY, calendar, contacts);
    expect(kinds(reminders, 'progress')).toEqual(['2024-06-24', '2024-09-20', '2024-12-23', '2025-03-24']); // 9/23 is a 振替休日
    expect(concerns(sheet, 'progress', 2)).not.toContain('目標1「SNSによる情報発信件数」');
    expect(concerns(sheet, 'progress', 2)).toHaveLength(6);
    expect(concerns(sheet, 'progress', 1)).toHaveLength(7);
  });

  it('after a missed 評価日, daily on business days, escalating 担当 → 課長 → coordinator', () => {
    const reminders = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts).filter((r) => r.kind === 'overdue');
    const byDay = new Map<string, string[]>();
    for (const r of reminders) byDay.set(r.sendOn, [...(byDay.get(r.sendOn) ?? []), `${r.recipient.role}/${r.channel}`]);
    const days = [...byDay.keys()].sort();
    expect(days).toHaveLength(DEFAULT_POLICY.overdue.businessDays);
    expect(days.slice(0, 3)).toEqual(['2025-05-08', '2025-05-09', '2025-05-12']);
    expect(byDay.get('2025-05-08')).toEqual(['担当/email']);
    expect(byDay.get('2025-05-12')!.sort()).toEqual(['担当/email', '課長/webhook']);
    expect(byDay.get(days[4]!)!.sort()).toEqual(['coordinator/email', '担当/email', '課長/webhook']);
  });

  it('goes to the log when a role has nobody, and to nobody of another unit', () => {
    const reminders = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts.slice(1));
    const evaluation = reminders.filter((r) => r.kind === 'evaluation');
    expect(evaluation).toHaveLength(4);
    expect(evaluation.every((r) => r.channel === 'log' && r.recipient.role === '担当' && r.recipient.contactId === null)).toBe(true);
    expect(reminders.some((r) => r.recipient.contactId === 'c-other')).toBe(false);
  });

  it('nothing for people who have done the work, and nothing for a closed sheet', () => {
    const evaluated = sheetWith(due('2025-05-07'), ...allGoals());
    expect(plan(evaluated, DEFAULT_POLICY, calendar, contacts).filter((r) => r.kind !== 'progress')).toEqual([]);
    expect(plan(stateAfter([{ type: 'CloseSheet', today }], evaluated), DEFAULT_POLICY, calendar, contacts)).toEqual([]);
  });

  it('department and sheet overrides replace only what they name', () => {
    const overrides = policyOverridesSchema.parse({
      departments: { 西区: { evaluation: { businessDaysBefore: [10] }, sendTime: '08:30' } },
      sheets: { [西区地域課.sheetId]: { progress: { businessDaysBefore: [] } } },
    });
    const policy = policyFor(overrides, { sheetId: 西区地域課.sheetId, department: '西区' });
    expect(policy).toEqual({
      ...DEFAULT_POLICY,
      evaluation: { ...DEFAULT_POLICY.evaluation, businessDaysBefore: [10] },
      progress: { ...DEFAULT_POLICY.progress, businessDaysBefore: [] },
      sendTime: '08:30',
    });
    const reminders = plan(sheetWith(due('2025-05-07')), policy, calendar, contacts);
    expect(kinds(reminders, 'progress')).toEqual([]);
    expect(kinds(reminders, 'evaluation')).toEqual(['2025-04-18']);
    expect(reminders[0]!.sendAt.toISOString()).toBe('2025-04-17T23:30:00.000Z');
    expect(policyFor(overrides, { sheetId: 'x', department: '東区' })).toEqual(DEFAULT_POLICY);
    expect(policyOverridesSchema.safeParse({ departments: { 西区: { evaluation: { roles: ['部長'] } } } }).success).toBe(false);
  });
});

describe('plan changes (the diff against the table)', () => {
  const known = (reminders: DesiredReminder[]): KnownReminder[] =>
    reminders.map((r, i) => ({ reminderId: `r${i}`, key: r.key, status: 'planned', kind: r.kind, dueOn: r.dueOn, quarter: r.quarter }));

  it('moving the 評価日 cancels the old reminders and plans the new ones', () => {
    const before = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts);
    const moved = sheetWith(due('2025-05-07'), due('2025-06-02'));
    const change = diffPlan(moved, plan(moved, DEFAULT_POLICY, calendar, contacts), known(before), today);
    const cancelled = new Set(change.cancel.map((c) => c.reason));
    expect(cancelled).toEqual(new Set(['evaluationDateMoved']));
    expect(change.cancel).toHaveLength(before.filter((r) => r.kind !== 'progress').length);
    expect(change.add.every((r) => r.dueOn === '2025-06-02')).toBe(true);
    expect(kinds(change.add, 'evaluation')).toEqual(['2025-05-13', '2025-05-22', '2025-05-28', '2025-05-30']);
  });

  it('a completed evaluation cancels the evaluation and overdue reminders, keeping progress ones', () => {
    const before = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts);
    const evaluated = sheetWith(due('2025-05-07'), ...allGoals('△'));
    const change = diffPlan(evaluated, plan(evaluated, DEFAULT_POLICY, calendar, contacts), known(before), today);
    expect(change.add).toEqual([]);
    expect(new Set(change.cancel.map((c) => c.reason))).toEqual(new Set(['goalsEvaluated']));
    expect(change.cancel).toHaveLength(before.filter((r) => r.kind !== 'progress').length);
  });

  it('recording the missing progress cancels that quarter; closing cancels the rest', () => {
    const open = sheetWith(due('2025-05-07'));
    const before = plan(open, DEFAULT_POLICY, calendar, contacts);
    const recorded = sheetWith(
      due('2025-05-07'),
      ...INDICATORS.map((indicatorId) => ({ type: 'RecordProgress', indicatorId, quarter: 1, value: 1 }) as const),
    );
    const change = diffPlan(recorded, plan(recorded, DEFAULT_POLICY, calendar, contacts), known(before), today);
    expect(change.cancel.map((c) => c.reason)).toEqual(['progressRecorded']);
    const closed = stateAfter([...allGoals().map((c) => ({ ...c, today })), { type: 'CloseSheet', today }], open);
    const all = diffPlan(closed, plan(closed, DEFAULT_POLICY, calendar, contacts), known(before), today);
    expect(all.cancel).toHaveLength(before.length);
    expect(new Set(all.cancel.map((c) => c.reason))).toEqual(new Set(['sheetClosed']));
  });

  it('sent reminders stay history, passed days are not planned late, a cancelled key may be planned again', () => {
    const desired = plan(sheetWith(due('2025-05-07')), DEFAULT_POLICY, calendar, contacts);
    const history = known(desired).map((k, i) => ({ ...k, status: i === 0 ? ('sent' as const) : ('cancelled' as const) }));
    const change = diffPlan(sheetWith(due('2025-05-07')), desired, history, '2025-04-24');
    expect(change.cancel).toEqual([]);
    expect(change.add.some((r) => r.key === desired[0]!.key)).toBe(false);
    expect(change.add.every((r) => r.sendOn >= '2025-04-24')).toBe(true);
    expect(change.add.length).toBeGreaterThan(0);
  });
});

describe('the message', () => {
  it('is Japanese, names the sheet and what is open, gives the due date in 和暦 and ISO, and links the sheet', () => {
    const message = composeMessage({
      reminderId: 'r-1',
      kind: 'evaluation',
      dueOn: '2025-05-07',
      quarter: null,
      sheet: { sheetId: 's-1', fiscalYear: 2024, department: '西区', unit: '地域課' },
      concerns: ['目標1「西区の魅力を発信」'],
      recipientName: '新潟 花子',
      link: 'https://shinchoku.example.jp/api/v1/sheets/s-1',
    });
    expect(message.subject).toBe('【進捗】令和6年度組織目標の評価日 令和7年5月7日（西区 地域課）');
    expect(message.text).toContain('新潟 花子 様');
    expect(message.text).toContain('評価日は令和7年5月7日（2025-05-07）です');
    expect(message.text).toContain('・目標1「西区の魅力を発信」');
    expect(message.text).toContain('https://shinchoku.example.jp/api/v1/sheets/s-1');
  });
});
