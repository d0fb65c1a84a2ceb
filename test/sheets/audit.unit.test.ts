import { auditTrail, type AuditableEvent, type AuditEntry } from '@shinchoku/sheets/domain/audit';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import { decideWardPlan, evolveWardPlan, type WardPlanCommand, type WardPlanEvent } from '@shinchoku/sheets/domain/ward-plan';
import { seed西区地域課, seed東区WardPlan, 東区重点目標, 西区地域課, 西区地域課Texts } from './sheet-builder';

// ---------------------------------------------------------------------------------------------
// A stream as production writes it
// ---------------------------------------------------------------------------------------------

type Actor = { id: string; name: string };
const 田中 = { id: 'u-0001', name: '田中 花子' };
const 佐藤 = { id: 'u-0002', name: '佐藤 一郎' };

interface Options {
  by?: Actor;
  commandId?: string;
  source?: string;
}

/**
 * Decides each command with the real decider on the state so far and appends its events the way the
 * command runner does: consecutive versions, one commandId and one recordedAt per command, and the
 * command's reason (when it has one) in the metadata. Commands are recorded an hour apart from 2024-04-01 09:00 JST.
 */
class Stream<S, C extends { today: string }, E extends { type: string; data: unknown }> {
  readonly events: AuditableEvent[] = [];
  private state: S | undefined;
  private commands = 0;

  constructor(
    private readonly decider: (command: C, state: S | undefined) => E[] | DomainError,
    private readonly evolver: (state: S | undefined, event: E) => S,
  ) {}

  run(command: C, options: Options = {}): this {
    const decision = this.decider(command, this.state);
    if (decision instanceof DomainError) throw new Error(`${(command as { type?: string }).type} was refused: ${decision.code}`);
    if (decision.length === 0) throw new Error('the command changed nothing');
    this.commands += 1;
    const recordedAt = new Date(Date.UTC(2024, 3, 1, 0) + (this.commands - 1) * 3_600_000);
    const reason = (command as { reason?: string }).reason;
    for (const event of decision) {
      this.state = this.evolver(this.state, event);
      this.events.push({
        ...event,
        version: this.events.length + 1,
        recordedAt,
        metadata: {
          actor: options.by ?? 田中,
          commandId: options.commandId ?? `cmd-${this.commands}`,
          ...(reason !== undefined && { reason }),
          source: options.source ?? 'api',
        },
      });
    }
    return this;
  }

  runAll(commands: readonly C[], options: Options = {}): this {
    for (const command of commands) this.run(command, options);
    return this;
  }

  trail(): AuditEntry[] {
    return auditTrail(this.events, this.evolver);
  }

  /** The entry of the last command. */
  last(): AuditEntry {
    const entry = this.trail().at(-1);
    if (!entry) throw new Error('no entries');
    return entry;
  }
}

const sheetStream = () => new Stream<ReturnType<typeof evolve>, SheetCommand, SheetEvent>(decide, evolve);
/** 西区 地域課, 令和6年度 as printed on 2024-04-01: 13 commands, 20 events. */
const seeded = () => sheetStream().runAll(seed西区地域課());

const S = 西区地域課;
const [g1, g2, g3, g4, g5] = S.goals;
const SNS = 'goals[1].indicators[SNSによる情報発信件数]';
const SPORTS = 'goals[3].indicators[スポーツ施設利用者数]';
const later = '2024-05-10';

// ---------------------------------------------------------------------------------------------
// Plan commands
// ---------------------------------------------------------------------------------------------

describe('plan commands', () => {
  it('CreateSheet: one entry with who, when, through what, and every field the sheet starts with', () => {
    const [created] = seeded().trail();
    expect(created).toStrictEqual({
      version: 1,
      fromVersion: 1,
      at: '2024-04-01T00:00:00.000Z',
      actor: 田中,
      command: 'CreateSheet',
      events: ['SheetCreated'],
      source: 'api',
      commandId: 'cmd-1',
      changes: [
        { path: 'fiscalYear', before: null, after: 2024 },
        { path: 'department', before: null, after: '西区' },
        { path: 'unit', before: null, after: '地域課' },
        { path: 'status', before: null, after: 'draft' },
        { path: 'policyIndicators', before: [], after: ['地域団体、民間事業者、学校など多様な主体との協働数'] },
        { path: 'createdOn', before: null, after: '2024-04-01' },
        { path: 'ratingProfile', before: null, after: 'allIndicatorsMet' },
      ],
    });
  });

  it('the seed reads as 13 commands: goals by number with their text, indicators by name with their target', () => {
    const trail = seeded().trail();
    expect(trail.map((e) => [e.command, e.fromVersion, e.version])).toEqual([
      ['CreateSheet', 1, 1],
      ['AddGoal', 2, 2],
      ['AddGoal', 3, 3],
      ['AddGoal', 4, 4],
      ['AddGoal', 5, 5],
      ['AddGoal', 6, 6],
      ['DefineIndicator', 7, 8],
      ['DefineIndicator', 9, 10],
      ['DefineIndicator', 11, 12],
      ['DefineIndicator', 13, 14],
      ['DefineIndicator', 15, 16],
      ['DefineIndicator', 17, 18],
      ['DefineIndicator', 19, 20],
    ]);
    expect(trail[1]).toMatchObject({ events: ['GoalAdded'], changes: [{ path: 'goals[1]', before: null, after: 西区地域課Texts.goal1 }] });
    expect(trail[6]).toMatchObject({
      events: ['IndicatorDefined', 'TargetSet'],
      changes: [{ path: SNS, before: null, after: '190' }],
    });
    expect(trail[11]!.changes).toEqual([
      { path: 'goals[5].indicators[区自治協議会提案事業の実施支援件数]', before: null, after: '5事業以上の支援' },
    ]);
  });

  it('ReviseSheet: each field once, a list of strings as both whole lists, the rating profile as one line; 修正日 moves', () => {
    const entry = seeded()
      .run({
        type: 'ReviseSheet',
        today: later,
        changes: {
          purpose: '西区の魅力を発信し、地域の自治を支えます。',
          policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数', '区自治協議会の提案事業数'],
          ratingProfile: {
            kind: 'achievementBands',
            bands: [
              { minRate: 1, rating: '○' },
              { minRate: 0.6, rating: '△' },
              { minRate: 0, rating: '×' },
            ],
          },
        },
      })
      .last();
    expect(entry).toMatchObject({ command: 'ReviseSheet', events: ['SheetRevised'], version: 21, fromVersion: 21 });
    expect(entry.changes).toEqual([
      { path: 'purpose', before: null, after: '西区の魅力を発信し、地域の自治を支えます。' },
      {
        path: 'policyIndicators',
        before: ['地域団体、民間事業者、学校など多様な主体との協働数'],
        after: ['地域団体、民間事業者、学校など多様な主体との協働数', '区自治協議会の提案事業数'],
      },
      { path: 'amendedOn', before: null, after: later },
      { path: 'ratingProfile', before: 'allIndicatorsMet', after: 'achievementBands(○≥1, △≥0.6, ×≥0)' },
    ]);
  });

  it('AddGoal: one change, goals[6] from null to the goal’s text, not a line per field', () => {
    const entry = seeded()
      .run({ type: 'AddGoal', today: later, goalId: 'g6', text: '窓口サービスを改善します。', planRefs: ['行財1-1-①'] })
      .last();
    expect(entry).toMatchObject({ command: 'AddGoal', events: ['GoalAdded'] });
    expect(entry.changes).toEqual([
      { path: 'amendedOn', before: null, after: later },
      { path: 'goals[6]', before: null, after: '窓口サービスを改善します。' },
    ]);
  });

  it('RemoveGoal: one change, the goal’s text to null, and nothing for its indicators', () => {
    const entry = seeded().run({ type: 'RemoveGoal', today: later, goalId: g3 }).last();
    expect(entry).toMatchObject({ command: 'RemoveGoal', events: ['GoalRemoved'] });
    expect(entry.changes).toEqual([
      { path: 'amendedOn', before: null, after: later },
      { path: 'goals[3]', before: 西区地域課Texts.goal3, after: null },
    ]);
  });

  it('ReviseGoal: a renumbered goal is named by its new number; planRefs whole; initiatives by name', () => {
    const entry = seeded()
      .run({
        type: 'ReviseGoal',
        today: later,
        goalId: g2,
        changes: {
          no: 7,
          planRefs: ['行財3-2-③', '行財3-2-④'],
          initiatives: [{ name: '地域と大学連携事業', description: '大学と地域の連携を支援します。' }, { name: '学生ボランティアの募集' }],
        },
      })
      .last();
    expect(entry).toMatchObject({ command: 'ReviseGoal', events: ['GoalRevised'] });
    expect(entry.changes).toEqual([
      { path: 'amendedOn', before: null, after: later },
      { path: 'goals[7].no', before: 2, after: 7 },
      { path: 'goals[7].planRefs', before: ['行財3-2-③'], after: ['行財3-2-③', '行財3-2-④'] },
      {
        path: 'goals[7].initiatives[地域と大学連携事業].description',
        before: '大学から事業提案を募集し、地域課題の解決や地域を活性化を図ります。',
        after: '大学と地域の連携を支援します。',
      },
      { path: 'goals[7].initiatives[学生ボランティアの募集]', before: null, after: '学生ボランティアの募集' },
    ]);
  });

  it('DefineIndicator without a target: the addition shows the name; with one, IndicatorDefined+TargetSet is one entry', () => {
    const stream = seeded().run({
      type: 'DefineIndicator',
      today: later,
      goalId: g2,
      indicatorId: 'i-new',
      name: '連携大学数',
      unit: '校',
    });
    expect(stream.last()).toMatchObject({
      command: 'DefineIndicator',
      events: ['IndicatorDefined'],
      changes: [
        { path: 'amendedOn', before: null, after: later },
        { path: 'goals[2].indicators[連携大学数]', before: null, after: '連携大学数' },
      ],
    });
    stream.run({ type: 'DefineIndicator', today: later, goalId: g2, indicatorId: 'i-new2', name: '学生参加者数', target: '100人以上' });
    const entry = stream.last();
    expect(entry).toMatchObject({ command: 'DefineIndicator', events: ['IndicatorDefined', 'TargetSet'], fromVersion: 22, version: 23 });
    expect(entry.changes).toEqual([{ path: 'goals[2].indicators[学生参加者数]', before: null, after: '100人以上' }]);
  });

  it('ReviseIndicator rename: the path uses the new name, the change shows old → new, and later entries use the new name', () => {
    const stream = seeded().run({
      type: 'ReviseIndicator',
      today: later,
      indicatorId: S.sns,
      changes: { name: 'SNS発信件数', unit: '回', baselines: [{ fiscalYear: 2023, actual: { text: '180', value: 180 } }] },
    });
    const renamed = stream.last();
    expect(renamed).toMatchObject({ command: 'ReviseIndicator', events: ['IndicatorRevised'] });
    expect(renamed.changes).toEqual([
      { path: 'amendedOn', before: null, after: later },
      { path: 'goals[1].indicators[SNS発信件数].name', before: 'SNSによる情報発信件数', after: 'SNS発信件数' },
      { path: 'goals[1].indicators[SNS発信件数].unit', before: '件', after: '回' },
      { path: 'goals[1].indicators[SNS発信件数].baselines[2023]', before: null, after: '180' },
    ]);
    stream.run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: S.sns, quarter: 1, value: 40 });
    expect(stream.last().changes).toContainEqual({ path: 'goals[1].indicators[SNS発信件数].progress.Q1', before: null, after: '40' });
  });

  it('SetTarget: the target as its text', () => {
    const entry = seeded().run({ type: 'SetTarget', today: later, indicatorId: S.sns, text: '200件以上' }).last();
    expect(entry).toMatchObject({ command: 'SetTarget', events: ['TargetSet'] });
    expect(entry.changes).toEqual([
      { path: 'amendedOn', before: null, after: later },
      { path: `${SNS}.target`, before: '190', after: '200件以上' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Tracking commands
// ---------------------------------------------------------------------------------------------

describe('tracking commands', () => {
  it('the first RecordProgress activates the sheet: one RecordProgress entry, status and Q1 with its note', () => {
    const entry = seeded()
      .run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: S.sns, quarter: 1, value: 40, note: '4-6月分' })
      .last();
    expect(entry).toStrictEqual({
      version: 22,
      fromVersion: 21,
      at: '2024-04-01T13:00:00.000Z',
      actor: 田中,
      command: 'RecordProgress',
      events: ['SheetActivated', 'ProgressRecorded'],
      source: 'api',
      commandId: 'cmd-14',
      changes: [
        { path: 'status', before: 'draft', after: 'active' },
        { path: `${SNS}.progress.Q1`, before: null, after: '40' },
        { path: `${SNS}.progress.Q1.note`, before: null, after: '4-6月分' },
      ],
    });
  });

  it('Q2 progress corrected from 48 to 52: by whom, when, why, and only the value', () => {
    const stream = seeded()
      .run({ type: 'RecordProgress', today: '2024-10-03', indicatorId: S.sns, quarter: 2, value: 48, note: '7-9月分' })
      .run(
        {
          type: 'RecordProgress',
          today: '2024-10-07',
          indicatorId: S.sns,
          quarter: 2,
          value: 52,
          note: '7-9月分',
          reason: 'Xの投稿4件が集計漏れ',
        },
        { by: 佐藤, commandId: 'c-fix', source: 'import' },
      );
    expect(stream.last()).toStrictEqual({
      version: 23,
      fromVersion: 23,
      at: '2024-04-01T14:00:00.000Z',
      actor: 佐藤,
      command: 'RecordProgress',
      events: ['ProgressCorrected'],
      reason: 'Xの投稿4件が集計漏れ',
      source: 'import',
      commandId: 'c-fix',
      changes: [{ path: `${SNS}.progress.Q2`, before: '48', after: '52' }],
    });
  });

  it('a correction of the note alone is a .note change; dropping the note is note → null', () => {
    const stream = seeded()
      .run({ type: 'RecordProgress', today: '2024-10-03', indicatorId: S.sns, quarter: 2, value: 48 })
      .run({ type: 'RecordProgress', today: '2024-10-04', indicatorId: S.sns, quarter: 2, value: 48, note: '速報値' });
    expect(stream.last().changes).toEqual([{ path: `${SNS}.progress.Q2.note`, before: null, after: '速報値' }]);
    stream.run({ type: 'RecordProgress', today: '2024-10-05', indicatorId: S.sns, quarter: 2, value: '48件' });
    expect(stream.last().changes).toEqual([
      { path: `${SNS}.progress.Q2`, before: '48', after: '48件' },
      { path: `${SNS}.progress.Q2.note`, before: '速報値', after: null },
    ]);
  });

  it('RecordResult: recorded, then corrected with a reason', () => {
    const stream = seeded().run({ type: 'RecordResult', today: '2025-04-10', indicatorId: S.sports, value: '480,000' });
    expect(stream.last()).toMatchObject({
      command: 'RecordResult',
      events: ['SheetActivated', 'ResultRecorded'],
      changes: [
        { path: 'status', before: 'draft', after: 'active' },
        { path: `${SPORTS}.result`, before: null, after: '480,000' },
      ],
    });
    stream.run({ type: 'RecordResult', today: '2025-04-12', indicatorId: S.sports, value: '481,250', reason: '3月分の集計確定' });
    const corrected = stream.last();
    expect(corrected).toMatchObject({ command: 'RecordResult', events: ['ResultCorrected'], reason: '3月分の集計確定' });
    expect(corrected.changes).toEqual([{ path: `${SPORTS}.result`, before: '480,000', after: '481,250' }]);
  });

  it('SetEvaluationDate: 評価日 set, then moved', () => {
    const stream = seeded().run({ type: 'SetEvaluationDate', today: later, date: '2025-05-31' });
    expect(stream.last()).toMatchObject({
      command: 'SetEvaluationDate',
      events: ['EvaluationDateSet'],
      changes: [{ path: 'evaluationDate', before: null, after: '2025-05-31' }],
    });
    stream.run({ type: 'SetEvaluationDate', today: later, date: '2025-06-30' }, { by: 佐藤 });
    expect(stream.last()).toMatchObject({ actor: 佐藤, changes: [{ path: 'evaluationDate', before: '2025-05-31', after: '2025-06-30' }] });
    expect(stream.last().changes).toHaveLength(1);
  });

  it('Evaluate against the suggestion, with a reason: each evaluation field from null, the reason on the entry', () => {
    const reason = '利用者数は目標に届かなかったが、安全対策と利便性向上は計画どおり完了した';
    const stream = seeded().run({ type: 'RecordResult', today: '2025-04-10', indicatorId: S.sports, value: '480,000' }).run({
      type: 'Evaluate',
      today: '2025-05-20',
      goalId: g3,
      rating: '△',
      status: '利用者数は96.6%',
      policy: '引き続き利便性を高めます',
      reason,
    });
    const entry = stream.last();
    expect(entry).toMatchObject({ command: 'Evaluate', events: ['GoalEvaluated'], reason });
    expect(entry.changes).toEqual([
      { path: 'goals[3].evaluation.rating', before: null, after: '△' },
      { path: 'goals[3].evaluation.suggestedRating', before: null, after: '×' },
      { path: 'goals[3].evaluation.status', before: null, after: '利用者数は96.6%' },
      { path: 'goals[3].evaluation.policy', before: null, after: '引き続き利便性を高めます' },
      { path: 'goals[3].evaluation.reason', before: null, after: reason },
      { path: 'goals[3].evaluation.evaluatedOn', before: null, after: '2025-05-20' },
    ]);

    stream.run({
      type: 'Evaluate',
      today: '2025-05-22',
      goalId: g3,
      rating: '×',
      status: '利用者数は96.6%',
      policy: '引き続き利便性を高めます',
    });
    expect(stream.last().changes).toEqual([
      { path: 'goals[3].evaluation.rating', before: '△', after: '×' },
      { path: 'goals[3].evaluation.reason', before: reason, after: null },
      { path: 'goals[3].evaluation.evaluatedOn', before: '2025-05-20', after: '2025-05-22' },
    ]);
  });

  it('CloseSheet and ReopenSheet: status active → closed → active, the reopening with its reason', () => {
    const stream = seeded();
    for (const goalId of [g1, g2, g3, g4, g5]) stream.run({ type: 'Evaluate', today: '2025-05-20', goalId, rating: '○' });
    expect(stream.trail().at(-5)).toMatchObject({
      command: 'Evaluate',
      events: ['SheetActivated', 'GoalEvaluated'],
      changes: [
        { path: 'status', before: 'draft', after: 'active' },
        { path: 'goals[1].evaluation.rating', before: null, after: '○' },
        { path: 'goals[1].evaluation.evaluatedOn', before: null, after: '2025-05-20' },
      ],
    });
    stream.run({ type: 'CloseSheet', today: '2025-05-31' });
    expect(stream.last()).toMatchObject({
      command: 'CloseSheet',
      events: ['SheetClosed'],
      changes: [{ path: 'status', before: 'active', after: 'closed' }],
    });
    expect(stream.last().changes).toHaveLength(1);
    expect(stream.last()).not.toHaveProperty('reason');

    stream.run({ type: 'ReopenSheet', today: '2025-06-02', reason: '評価内容の誤記を訂正するため' }, { by: 佐藤 });
    expect(stream.last()).toMatchObject({
      command: 'ReopenSheet',
      events: ['SheetReopened'],
      actor: 佐藤,
      reason: '評価内容の誤記を訂正するため',
      changes: [{ path: 'status', before: 'closed', after: 'active' }],
    });
    expect(stream.last().changes).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Names people see
// ---------------------------------------------------------------------------------------------

describe('paths', () => {
  it('two indicators with the same name in one goal are told apart by order; ] in a name is escaped', () => {
    const stream = seeded()
      .run({ type: 'DefineIndicator', today: later, goalId: g4, indicatorId: 'i-a', name: '相談件数' })
      .run({ type: 'DefineIndicator', today: later, goalId: g4, indicatorId: 'i-b', name: '相談件数', target: '12' })
      .run({ type: 'DefineIndicator', today: later, goalId: g4, indicatorId: 'i-c', name: '[重点]来館者', target: '5' })
      .run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: 'i-b', quarter: 1, value: 3 });
    const trail = stream.trail();
    expect(trail.at(-3)!.changes).toEqual([{ path: 'goals[4].indicators[相談件数]#2', before: null, after: '12' }]);
    expect(trail.at(-2)!.changes).toEqual([{ path: 'goals[4].indicators[[重点\\]来館者]', before: null, after: '5' }]);
    expect(trail.at(-1)!.changes).toEqual([
      { path: 'status', before: 'draft', after: 'active' },
      { path: 'goals[4].indicators[相談件数]#2.progress.Q1', before: null, after: '3' },
    ]);
  });

  it('no id ever appears in a path or a value', () => {
    const stream = seeded()
      .run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: S.sns, quarter: 1, value: 40 })
      .run({ type: 'ReviseIndicator', today: later, indicatorId: S.sports, changes: { name: '施設利用者数' } })
      .run({ type: 'RemoveGoal', today: later, goalId: g2 });
    const text = JSON.stringify(stream.trail().map((entry) => entry.changes));
    for (const id of [S.sheetId, ...S.goals, S.sns, S.sports, S.sakata]) expect(text).not.toContain(id);
  });
});

// ---------------------------------------------------------------------------------------------
// Ward plans
// ---------------------------------------------------------------------------------------------

describe('ward plan stream (evolveWardPlan)', () => {
  const wardStream = () =>
    new Stream<ReturnType<typeof evolveWardPlan>, WardPlanCommand, WardPlanEvent>(decideWardPlan, evolveWardPlan).run(seed東区WardPlan());
  const texts = 東区重点目標.map((goal) => goal.text);

  it('CreateWardPlan: the plan’s fields and each 重点目標 by number with its text', () => {
    const [entry] = wardStream().trail();
    const create = seed東区WardPlan();
    expect(entry).toMatchObject({ command: 'CreateWardPlan', events: ['WardPlanCreated'], version: 1, fromVersion: 1 });
    expect(entry!.changes).toEqual([
      { path: 'fiscalYear', before: null, after: 2020 },
      { path: 'department', before: null, after: '東区' },
      { path: 'headName', before: null, after: '石井 哲也' },
      { path: 'purpose', before: null, after: create.purpose },
      { path: 'introduction', before: null, after: create.introduction },
      ...texts.map((text, index) => ({ path: `priorityGoals[${index + 1}]`, before: null, after: text })),
    ]);
  });

  it('RevisePriorityGoals: a changed text, a removed and an added 重点目標, in number order', () => {
    const [pg1, , pg3, pg4] = 東区重点目標;
    const entry = wardStream()
      .run({
        type: 'RevisePriorityGoals',
        today: '2020-10-01',
        priorityGoals: [pg1!, { no: 2, text: '高齢者の地域生活を支えます。' }, pg3!, pg4!, { no: 6, text: '区の情報発信を強化します。' }],
      })
      .last();
    expect(entry).toMatchObject({ command: 'RevisePriorityGoals', events: ['PriorityGoalsRevised'] });
    expect(entry.changes).toEqual([
      { path: 'priorityGoals[2].text', before: texts[1], after: '高齢者の地域生活を支えます。' },
      { path: 'priorityGoals[5]', before: texts[4], after: null },
      { path: 'priorityGoals[6]', before: null, after: '区の情報発信を強化します。' },
    ]);
  });

  it('EvaluateWardPlan: the evaluation field by field', () => {
    const entry = wardStream().run({ type: 'EvaluateWardPlan', today: '2021-05-20', achievedCount: 3, direction: '防災を重点に' }).last();
    expect(entry).toMatchObject({ command: 'EvaluateWardPlan', events: ['WardPlanEvaluated'] });
    expect(entry.changes).toEqual([
      { path: 'evaluation.goalCount', before: null, after: 5 },
      { path: 'evaluation.achievedCount', before: null, after: 3 },
      { path: 'evaluation.direction', before: null, after: '防災を重点に' },
      { path: 'evaluation.evaluatedOn', before: null, after: '2021-05-20' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Grouping and naming
// ---------------------------------------------------------------------------------------------

describe('grouping', () => {
  it('two commands by the same actor back to back stay two entries', () => {
    const trail = seeded()
      .run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: S.sns, quarter: 1, value: 40 }, { by: 佐藤 })
      .run({ type: 'RecordProgress', today: '2024-07-05', indicatorId: S.sakata, quarter: 1, value: 9000 }, { by: 佐藤 })
      .trail();
    expect(trail).toHaveLength(15);
    expect(trail.slice(-2).map((e) => [e.commandId, e.fromVersion, e.version, e.events, e.changes.map((c) => c.path)])).toEqual([
      ['cmd-14', 21, 22, ['SheetActivated', 'ProgressRecorded'], ['status', `${SNS}.progress.Q1`]],
      ['cmd-15', 23, 23, ['ProgressRecorded'], ['goals[4].indicators[佐潟水鳥・湿地センター来館者数].progress.Q1']],
    ]);
  });

  it('only consecutive events form a command: a commandId seen again later starts a new entry', () => {
    const trail = seeded()
      .run({ type: 'SetTarget', today: later, indicatorId: S.sns, text: '200' }, { commandId: 'same' })
      .run({ type: 'SetTarget', today: later, indicatorId: S.sports, text: '500,000' }, { commandId: 'other' })
      .run({ type: 'SetTarget', today: later, indicatorId: S.sakata, text: '40,000' }, { commandId: 'same' })
      .trail();
    expect(trail.slice(-3).map((e) => [e.commandId, e.version, e.changes.at(-1)!.path])).toEqual([
      ['same', 21, `${SNS}.target`],
      ['other', 22, `${SPORTS}.target`],
      ['same', 23, 'goals[4].indicators[佐潟水鳥・湿地センター来館者数].target'],
    ]);
  });

  it('command names: ReminderSent → RecordReminder, an unknown type names itself, SheetActivated alone names itself', () => {
    const stream = seeded();
    const at = new Date('2025-05-01T00:00:00.000Z');
    const metadata = (commandId: string) => ({ actor: { id: 'system', name: 'リマインダー' }, commandId, source: 'reminders' });
    const events: AuditableEvent[] = [
      ...stream.events,
      { type: 'ReminderSent', data: { to: '課長' }, version: 21, recordedAt: at, metadata: metadata('r-1') },
      { type: 'SheetArchived', data: {}, version: 22, recordedAt: at, metadata: metadata('r-2') },
      { type: 'SheetActivated', data: { on: '2025-05-01' }, version: 23, recordedAt: at, metadata: metadata('r-3') },
    ];
    const lenient = (state: Sheet | undefined, event: { type: string }) =>
      event.type === 'ReminderSent' || event.type === 'SheetArchived' ? state! : evolve(state, event as SheetEvent);
    const trail = auditTrail(events, lenient);
    expect(trail.slice(-3).map((e) => [e.command, e.events, e.changes])).toEqual([
      ['RecordReminder', ['ReminderSent'], []],
      ['SheetArchived', ['SheetArchived'], []],
      ['SheetActivated', ['SheetActivated'], [{ path: 'status', before: 'draft', after: 'active' }]],
    ]);
    expect(trail.at(-1)).toMatchObject({
      actor: { id: 'system', name: 'リマインダー' },
      source: 'reminders',
      at: '2025-05-01T00:00:00.000Z',
    });
  });

  it('an empty stream has no entries', () => {
    expect(auditTrail([], evolve)).toEqual([]);
  });
});
