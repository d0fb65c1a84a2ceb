import { DomainError, type DomainErrorCode } from '@shinchoku/sheets/domain/errors';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import type { Rating } from '@shinchoku/sheets/domain/assessment';
import { decide, inferMeasure } from '@shinchoku/sheets/domain/sheet.decide';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import { fold } from '@shinchoku/sheets/domain/sheet.evolve';
import type { Baseline, Measure, Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { viewOf } from '@shinchoku/sheets/domain/sheet.view';
import type { Target } from '@shinchoku/sheets/domain/target';
import { run, seed東区健康福祉課, seed西区地域課, stateAfter, 東区健康福祉課, 西区地域課, 西区地域課Texts } from './sheet-builder';
import { refused, sheet } from './deciders';

/** The events of these commands, from no sheet: a decider test's given. */
const historyOf = (...commands: SheetCommand[]): SheetEvent[] => run(commands).events;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Decision = SheetEvent[] | DomainError;

/** The code and path of a refusal; fails when the command was accepted. */
function refusal(decision: Decision): { code: DomainErrorCode; path: string | undefined } {
  if (!(decision instanceof DomainError)) throw new Error(`expected a DomainError, got ${JSON.stringify(decision)}`);
  expect(decision.message).toEqual(expect.any(String));
  expect(decision.message.length).toBeGreaterThan(0);
  return { code: decision.code, path: decision.path };
}

/** The events of an accepted command; fails with the code when it was refused. */
function accepted(decision: Decision): SheetEvent[] {
  if (decision instanceof DomainError) throw new Error(`expected events, got ${decision.code}: ${decision.message}`);
  return decision;
}

/** decide, then fold the events into the state. */
function apply(command: SheetCommand, state: Sheet | undefined): { events: SheetEvent[]; state: Sheet } {
  const events = accepted(decide(command, state));
  const next = fold(events, state);
  if (!next) throw new Error('no state after folding');
  return { events, state: next };
}

const goalOf = (sheet: Sheet, goalId: string) => {
  const goal = sheet.goals.find((g) => g.goalId === goalId);
  if (!goal) throw new Error(`no goal ${goalId}`);
  return goal;
};
const indicatorOf = (sheet: Sheet, indicatorId: string) => {
  const indicator = sheet.goals.flatMap((g) => g.indicators).find((i) => i.indicatorId === indicatorId);
  if (!indicator) throw new Error(`no indicator ${indicatorId}`);
  return indicator;
};
const hasIndicator = (sheet: Sheet, indicatorId: string) =>
  sheet.goals.some((g) => g.indicators.some((i) => i.indicatorId === indicatorId));

const numeric = (text: string, value: number, extra: { unit?: string; label?: string } = {}): Target => ({
  kind: 'numeric',
  text,
  comparator: 'gte',
  value,
  ...extra,
});

// ---------------------------------------------------------------------------------------------
// Fixtures: 西区 地域課 (seed 000)
// ---------------------------------------------------------------------------------------------

const CREATED = '2024-04-01';
const LATER = '2024-06-03';
const [g1, g2, g3, g4, g5] = 西区地域課.goals;
const { sns, followers, proposals, sports, sakata, councilProjects, communityGroups } = 西区地域課;
const SHEET_ID = 西区地域課.sheetId;

/** 西区 地域課 as planned on 作成日: draft, 5 goals, 7 indicators with targets, nothing recorded. */
const planCommands = seed西区地域課();
const planned = stateAfter(planCommands);

const evaluateAll = (today: string, ratings: Rating[] = ['○', '×', '△', '×', '△']): SheetCommand[] =>
  西区地域課.goals.map((goalId, i) => ({ type: 'Evaluate', today, goalId, rating: ratings[i] ?? '○' }));

/** Every goal evaluated (no results yet, so no suggestion needs a reason); active. */
const evaluated = stateAfter(evaluateAll('2025-05-07'), planned);
const closed = stateAfter([{ type: 'CloseSheet', today: '2025-05-07' }], evaluated);
/** The commands that made `closed`, from the start. */
const closeCommands: SheetCommand[] = [...planCommands, ...evaluateAll('2025-05-07'), { type: 'CloseSheet', today: '2025-05-07' }];

// ---------------------------------------------------------------------------------------------
// 1. Happy paths: exact events, and the state they fold into
// ---------------------------------------------------------------------------------------------

describe('CreateSheet', () => {
  it('西区 地域課 (R6.4.1): SheetCreated with the defaults filled in, folding to an empty draft sheet', () => {
    const [create] = planCommands;
    if (!create) throw new Error('no CreateSheet');
    const { events, state } = apply(create, undefined);
    expect(events).toStrictEqual([
      {
        type: 'SheetCreated',
        data: {
          sheetId: SHEET_ID,
          fiscalYear: 2024,
          department: '西区',
          unit: '地域課',
          policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数'],
          createdOn: '2024-04-01',
          ratingProfile: { kind: 'allIndicatorsMet' },
          on: '2024-04-01',
        },
      },
    ]);
    expect(state).toStrictEqual({
      sheetId: SHEET_ID,
      fiscalYear: 2024,
      department: '西区',
      unit: '地域課',
      policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数'],
      createdOn: '2024-04-01',
      ratingProfile: { kind: 'allIndicatorsMet' },
      status: 'draft',
      goals: [],
    });
  });

  it('東区 健康福祉課 imported later: 作成日 R2.4.1 as printed, `on` the day of the import, purpose/contact/approach kept', () => {
    const [create] = seed東区健康福祉課('2024-06-10');
    if (!create || create.type !== 'CreateSheet') throw new Error('no CreateSheet');
    const events = accepted(decide(create, undefined));
    expect(events).toStrictEqual([
      {
        type: 'SheetCreated',
        data: {
          sheetId: 東区健康福祉課.sheetId,
          fiscalYear: 2020,
          // The document says 東区役所; the sheet is filed under the department's one name.
          department: '東区',
          unit: '健康福祉課',
          purpose: create.purpose,
          policyIndicators: [],
          contact: '025-250-2380',
          createdOn: '2020-04-01',
          approach: create.approach,
          ratingProfile: { kind: 'allIndicatorsMet' },
          on: '2024-06-10',
        },
      },
    ]);
  });

  it('without createdOn the 作成日 is today; a given 評価日 and rating profile are kept', () => {
    const bands = {
      kind: 'achievementBands' as const,
      bands: [
        { minRate: 1, rating: '○' as const },
        { minRate: 0.8, rating: '△' as const },
        { minRate: 0, rating: '×' as const },
      ],
    };
    const { events, state } = apply(
      {
        type: 'CreateSheet',
        today: '2024-04-02',
        sheetId: 'nishi-hogo-2024',
        fiscalYear: 2024,
        department: '西区役所',
        unit: '保護課',
        evaluationDate: '2025-05-07',
        ratingProfile: bands,
      },
      undefined,
    );
    expect(events).toStrictEqual([
      {
        type: 'SheetCreated',
        data: {
          sheetId: 'nishi-hogo-2024',
          fiscalYear: 2024,
          department: '西区',
          unit: '保護課',
          policyIndicators: [],
          createdOn: '2024-04-02',
          evaluationDate: '2025-05-07',
          ratingProfile: bands,
          on: '2024-04-02',
        },
      },
    ]);
    expect([state.createdOn, state.evaluationDate, state.status]).toEqual(['2024-04-02', '2025-05-07', 'draft']);
  });
});

describe('the seed plans fold into the printed sheets', () => {
  it('西区 地域課: 20 events (sheet, 5 goals, 7 indicators each with its target), none of them SheetActivated', () => {
    const { events } = run(planCommands);
    expect(events.map((e) => e.type)).toEqual([
      'SheetCreated',
      ...Array<string>(5).fill('GoalAdded'),
      ...Array<string[]>(7).fill(['IndicatorDefined', 'TargetSet']).flat(),
    ]);
  });

  it('西区 地域課: goals in order with their 総合計画 codes, indicators with units, measures and parsed targets', () => {
    expect(planned.status).toBe('draft');
    expect(planned.goals.map((g) => [g.no, g.text, g.planRefs, g.indicators.map((i) => i.indicatorId)])).toEqual([
      [1, 西区地域課Texts.goal1, [], [sns, followers]],
      [2, 西区地域課Texts.goal2, ['行財3-2-③'], [proposals]],
      [3, 西区地域課Texts.goal3, [], [sports]],
      [4, 西区地域課Texts.goal4, [], [sakata]],
      [5, 西区地域課Texts.goal5, ['行財3-2-①', '行財3-2-②'], [councilProjects, communityGroups]],
    ]);
    expect(planned.goals.flatMap((g) => g.indicators.map((i) => [i.name, i.unit, i.measure, i.target]))).toEqual([
      ['SNSによる情報発信件数', '件', 'cumulative', numeric('190', 190)],
      ['新規フォロワー獲得のための企画の実施', undefined, 'cumulative', numeric('2企画実施', 2, { unit: '企画' })],
      ['大学から事業提案を募集', '件', 'cumulative', numeric('2', 2)],
      ['スポーツ施設利用者数', '人', 'cumulative', numeric('497,000', 497000)],
      ['佐潟水鳥・湿地センター来館者数', '人', 'cumulative', numeric('38,120', 38120)],
      ['区自治協議会提案事業の実施支援件数', '件', 'cumulative', numeric('5事業以上の支援', 5, { unit: '事業' })],
      [
        '地域コミュニティ協議会の運営支援団体数',
        undefined,
        'cumulative',
        numeric('運営支援15団体', 15, { unit: '団体', label: '運営支援' }),
      ],
    ]);
    expect(indicatorOf(planned, sakata)).toStrictEqual({
      indicatorId: sakata,
      name: '佐潟水鳥・湿地センター来館者数',
      unit: '人',
      measure: 'cumulative',
      progressEntry: 'toDate',
      baselines: [],
      notes: '※前年比5%増',
      target: numeric('38,120', 38120),
      progress: {},
    });
  });

  it('東区 健康福祉課: 部区組織目標 links 2 and 3, 8 indicators, H29/H30/R1 実績 as fiscal 2017/2018/2019', () => {
    const sheet = stateAfter(seed東区健康福祉課());
    const [visits, homeSupport, meetings, dental, , parenting] = 東区健康福祉課.indicators;
    expect(sheet.goals.map((g) => [g.no, g.priorityGoalNo, g.indicators.length])).toEqual([
      [1, 2, 3],
      [2, 3, 2],
      [3, undefined, 1],
      [4, undefined, 1],
      [5, undefined, 1],
    ]);
    expect(sheet.goals.flatMap((g) => g.indicators.map((i) => i.indicatorId))).toEqual([...東区健康福祉課.indicators]);
    expect(indicatorOf(sheet, parenting).baselines).toStrictEqual([
      { fiscalYear: 2017, actual: { text: '204', value: 204 } },
      { fiscalYear: 2018, actual: { text: '90', value: 90 } },
      { fiscalYear: 2019, actual: { text: '91', value: 91 } },
    ]);
    expect(indicatorOf(sheet, homeSupport).baselines).toStrictEqual([{ fiscalYear: 2019, actual: { text: '2', value: 2 } }]);
    expect(indicatorOf(sheet, meetings).baselines.map((b) => b.fiscalYear)).toEqual([2018, 2019]);
    expect(indicatorOf(sheet, dental).baselines).toEqual([]);
    expect(indicatorOf(sheet, visits)).toMatchObject({
      baselines: [2017, 2018, 2019].map((fiscalYear) => ({ fiscalYear, actual: { text: '対象全世帯への訪問' } })),
      target: { kind: 'coverage', text: '対象全世帯への訪問', population: '対象世帯' },
      measure: 'cumulative',
    });
  });
});

interface HappyCase {
  name: string;
  /** Commands after the 西区 地域課 plan, before the one under test. */
  given?: SheetCommand[];
  command: SheetCommand;
  events: SheetEvent[];
  /** What of the folded state to compare. */
  read: (sheet: Sheet) => unknown;
  expected: unknown;
}

const G6_TEXT = '西区西地区の4つのコミュニティ協議会の活動を支援し、地域との連携を深めます。';
const APPROACH = '西区の魅力発信と地域自治の推進に重点的に取り組みます。';

const happyCases: HappyCase[] = [
  {
    name: 'ReviseSheet → SheetRevised with only the fields that change',
    command: {
      type: 'ReviseSheet',
      today: CREATED,
      changes: { approach: APPROACH, policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数'] },
    },
    events: [{ type: 'SheetRevised', data: { changes: { approach: APPROACH }, on: CREATED } }],
    read: (s) => [s.approach, s.policyIndicators],
    expected: [APPROACH, ['地域団体、民間事業者、学校など多様な主体との協働数']],
  },
  {
    name: 'AddGoal without a number → GoalAdded numbered after the highest (6)',
    command: { type: 'AddGoal', today: CREATED, goalId: 'g6', text: G6_TEXT, planRefs: ['行財3-2-②'] },
    events: [{ type: 'GoalAdded', data: { goalId: 'g6', no: 6, text: G6_TEXT, planRefs: ['行財3-2-②'], initiatives: [], on: CREATED } }],
    read: (s) => [s.goals.map((g) => g.no), goalOf(s, 'g6')],
    expected: [[1, 2, 3, 4, 5, 6], { goalId: 'g6', no: 6, text: G6_TEXT, planRefs: ['行財3-2-②'], initiatives: [], indicators: [] }],
  },
  {
    name: 'AddGoal with a 部区組織目標 number → GoalAdded carrying priorityGoalNo',
    command: { type: 'AddGoal', today: CREATED, goalId: 'g6', no: 10, priorityGoalNo: 2, text: G6_TEXT },
    events: [
      { type: 'GoalAdded', data: { goalId: 'g6', no: 10, text: G6_TEXT, priorityGoalNo: 2, planRefs: [], initiatives: [], on: CREATED } },
    ],
    read: (s) => [s.goals.map((g) => g.no), goalOf(s, 'g6').priorityGoalNo],
    expected: [[1, 2, 3, 4, 5, 10], 2],
  },
  {
    name: 'ReviseGoal → GoalRevised with only the fields that change (same no and text dropped)',
    command: { type: 'ReviseGoal', today: CREATED, goalId: g3, changes: { no: 3, text: 西区地域課Texts.goal3, planRefs: ['政策6-1-①'] } },
    events: [{ type: 'GoalRevised', data: { goalId: g3, changes: { planRefs: ['政策6-1-①'] }, on: CREATED } }],
    read: (s) => [goalOf(s, g3).no, goalOf(s, g3).text, goalOf(s, g3).planRefs],
    expected: [3, 西区地域課Texts.goal3, ['政策6-1-①']],
  },
  {
    name: 'ReviseGoal to a free number → GoalRevised; goals stay ordered by number',
    command: { type: 'ReviseGoal', today: CREATED, goalId: g1, changes: { no: 9 } },
    events: [{ type: 'GoalRevised', data: { goalId: g1, changes: { no: 9 }, on: CREATED } }],
    read: (s) => s.goals.map((g) => [g.no, g.goalId]),
    expected: [
      [2, g2],
      [3, g3],
      [4, g4],
      [5, g5],
      [9, g1],
    ],
  },
  {
    name: 'RemoveGoal → GoalRemoved; the goal and its indicator are gone',
    command: { type: 'RemoveGoal', today: CREATED, goalId: g2 },
    events: [{ type: 'GoalRemoved', data: { goalId: g2, on: CREATED } }],
    read: (s) => [s.goals.map((g) => g.goalId), hasIndicator(s, proposals)],
    expected: [[g1, g3, g4, g5], false],
  },
  {
    name: 'DefineIndicator without a target → IndicatorDefined only, measure inferred',
    command: { type: 'DefineIndicator', today: CREATED, goalId: g2, indicatorId: 'students', name: '連携事業に参加した学生数', unit: '人' },
    events: [
      {
        type: 'IndicatorDefined',
        data: {
          goalId: g2,
          indicatorId: 'students',
          name: '連携事業に参加した学生数',
          unit: '人',
          measure: 'cumulative',
          progressEntry: 'toDate',
          baselines: [],
          on: CREATED,
        },
      },
    ],
    read: (s) => goalOf(s, g2).indicators,
    expected: [
      {
        indicatorId: proposals,
        name: '大学から事業提案を募集',
        unit: '件',
        measure: 'cumulative',
        progressEntry: 'toDate',
        baselines: [],
        target: numeric('2', 2),
        progress: {},
      },
      {
        indicatorId: 'students',
        name: '連携事業に参加した学生数',
        unit: '人',
        measure: 'cumulative',
        progressEntry: 'toDate',
        baselines: [],
        progress: {},
      },
    ],
  },
  {
    name: 'DefineIndicator with a target, baselines and a given measure → IndicatorDefined then TargetSet',
    command: {
      type: 'DefineIndicator',
      today: CREATED,
      goalId: g4,
      indicatorId: 'sakata-members',
      name: '佐潟クラブ会員数',
      unit: '人',
      measure: 'level',
      baselines: [{ fiscalYear: 2023, actual: parseMeasurement('1,480人') }],
      notes: '[参考] R5末',
      target: '1,500人以上',
    },
    events: [
      {
        type: 'IndicatorDefined',
        data: {
          goalId: g4,
          indicatorId: 'sakata-members',
          name: '佐潟クラブ会員数',
          unit: '人',
          measure: 'level',
          baselines: [{ fiscalYear: 2023, actual: { text: '1,480人', value: 1480, unit: '人' } }],
          notes: '[参考] R5末',
          on: CREATED,
        },
      },
      { type: 'TargetSet', data: { indicatorId: 'sakata-members', target: numeric('1,500人以上', 1500, { unit: '人' }), on: CREATED } },
    ],
    read: (s) => indicatorOf(s, 'sakata-members'),
    expected: {
      indicatorId: 'sakata-members',
      name: '佐潟クラブ会員数',
      unit: '人',
      measure: 'level',
      baselines: [{ fiscalYear: 2023, actual: { text: '1,480人', value: 1480, unit: '人' } }],
      notes: '[参考] R5末',
      target: numeric('1,500人以上', 1500, { unit: '人' }),
      progress: {},
    },
  },
  {
    name: 'ReviseIndicator → IndicatorRevised with only the fields that change',
    command: { type: 'ReviseIndicator', today: CREATED, indicatorId: followers, changes: { unit: '企画', measure: 'cumulative' } },
    events: [{ type: 'IndicatorRevised', data: { indicatorId: followers, changes: { unit: '企画' }, on: CREATED } }],
    read: (s) => [indicatorOf(s, followers).unit, indicatorOf(s, followers).measure],
    expected: ['企画', 'cumulative'],
  },
  {
    name: 'SetTarget with a new text → TargetSet keeping the previous target',
    command: { type: 'SetTarget', today: CREATED, indicatorId: sns, text: '200件以上' },
    events: [
      {
        type: 'TargetSet',
        data: { indicatorId: sns, target: numeric('200件以上', 200, { unit: '件' }), previous: numeric('190', 190), on: CREATED },
      },
    ],
    read: (s) => indicatorOf(s, sns).target,
    expected: numeric('200件以上', 200, { unit: '件' }),
  },
  {
    name: 'SetTarget on an indicator without one → TargetSet without previous',
    given: [{ type: 'DefineIndicator', today: CREATED, goalId: g2, indicatorId: 'students', name: '連携事業に参加した学生数', unit: '人' }],
    command: { type: 'SetTarget', today: CREATED, indicatorId: 'students', text: '30人' },
    events: [{ type: 'TargetSet', data: { indicatorId: 'students', target: numeric('30人', 30, { unit: '人' }), on: CREATED } }],
    read: (s) => indicatorOf(s, 'students').target,
    expected: numeric('30人', 30, { unit: '人' }),
  },
  {
    name: 'RecordProgress on the draft sheet → SheetActivated, ProgressRecorded',
    command: { type: 'RecordProgress', today: '2024-07-05', indicatorId: sns, quarter: 1, value: 52 },
    events: [
      { type: 'SheetActivated', data: { on: '2024-07-05' } },
      { type: 'ProgressRecorded', data: { indicatorId: sns, quarter: 1, value: { text: '52', value: 52 }, on: '2024-07-05' } },
    ],
    read: (s) => [s.status, indicatorOf(s, sns).progress],
    expected: ['active', { 1: { value: { text: '52', value: 52 } } }],
  },
  {
    name: 'RecordResult with a note on an active sheet → ResultRecorded (no second SheetActivated)',
    given: [{ type: 'RecordProgress', today: '2024-07-05', indicatorId: sports, quarter: 1, value: '128,450' }],
    command: { type: 'RecordResult', today: '2025-04-15', indicatorId: sports, value: '502,381', note: '4月〜3月の延べ利用者数' },
    events: [
      {
        type: 'ResultRecorded',
        data: { indicatorId: sports, value: { text: '502,381', value: 502381 }, note: '4月〜3月の延べ利用者数', on: '2025-04-15' },
      },
    ],
    read: (s) => [s.status, indicatorOf(s, sports).result],
    expected: ['active', { value: { text: '502,381', value: 502381 }, note: '4月〜3月の延べ利用者数' }],
  },
  {
    name: 'SetEvaluationDate → EvaluationDateSet (a plain setting: the sheet stays draft)',
    command: { type: 'SetEvaluationDate', today: '2025-04-15', date: '2025-05-07' },
    events: [{ type: 'EvaluationDateSet', data: { evaluationDate: '2025-05-07', on: '2025-04-15' } }],
    read: (s) => [s.evaluationDate, s.status],
    expected: ['2025-05-07', 'draft'],
  },
  {
    name: 'SetEvaluationDate again with another date → EvaluationDateSet keeping the previous date',
    given: [{ type: 'SetEvaluationDate', today: '2025-04-15', date: '2025-05-07' }],
    command: { type: 'SetEvaluationDate', today: '2025-04-20', date: '2025-05-14' },
    events: [{ type: 'EvaluationDateSet', data: { evaluationDate: '2025-05-14', previous: '2025-05-07', on: '2025-04-20' } }],
    read: (s) => s.evaluationDate,
    expected: '2025-05-14',
  },
  {
    name: 'Evaluate on the draft sheet, no results yet → SheetActivated, GoalEvaluated with suggestedRating null',
    command: {
      type: 'Evaluate',
      today: '2025-05-07',
      goalId: g2,
      rating: '△',
      status: '大学からの提案は1件にとどまった。',
      policy: '提案募集の周知時期を早めます。',
    },
    events: [
      { type: 'SheetActivated', data: { on: '2025-05-07' } },
      {
        type: 'GoalEvaluated',
        data: {
          goalId: g2,
          rating: '△',
          suggestedRating: null,
          status: '大学からの提案は1件にとどまった。',
          policy: '提案募集の周知時期を早めます。',
          on: '2025-05-07',
        },
      },
    ],
    read: (s) => [s.status, goalOf(s, g2).evaluation],
    expected: [
      'active',
      {
        rating: '△',
        suggestedRating: null,
        status: '大学からの提案は1件にとどまった。',
        policy: '提案募集の周知時期を早めます。',
        evaluatedOn: '2025-05-07',
      },
    ],
  },
  {
    name: 'CloseSheet with every goal evaluated → SheetClosed',
    given: evaluateAll('2025-05-07'),
    command: { type: 'CloseSheet', today: '2025-05-08' },
    events: [{ type: 'SheetClosed', data: { on: '2025-05-08' } }],
    read: (s) => s.status,
    expected: 'closed',
  },
  {
    name: 'ReopenSheet with a reason → SheetReopened; the sheet is active again',
    given: [...evaluateAll('2025-05-07'), { type: 'CloseSheet', today: '2025-05-08' }],
    command: { type: 'ReopenSheet', today: '2025-05-20', reason: '佐潟の来館者数に集計漏れが見つかったため' },
    events: [{ type: 'SheetReopened', data: { reason: '佐潟の来館者数に集計漏れが見つかったため', on: '2025-05-20' } }],
    read: (s) => s.status,
    expected: 'active',
  },
];

describe('each command type on 西区 地域課: exact events, and the state they fold into', () => {
  it.each(happyCases)('$name', ({ given = [], command, events, read, expected }) => {
    const after = sheet
      .given(historyOf(...planCommands, ...given))
      .when(command)
      .then(events);
    if (!after) throw new Error('no state');
    expect(read(after)).toStrictEqual(expected);
  });

  it('covers every command type', () => {
    const types = new Set([...happyCases.map((c) => c.command.type), 'CreateSheet']);
    expect([...types].sort()).toEqual(
      [
        'AddGoal',
        'CloseSheet',
        'CreateSheet',
        'DefineIndicator',
        'Evaluate',
        'RecordProgress',
        'RecordResult',
        'ReopenSheet',
        'RemoveGoal',
        'ReviseGoal',
        'ReviseIndicator',
        'ReviseSheet',
        'SetEvaluationDate',
        'SetTarget',
      ].sort(),
    );
  });
});

describe('DefineIndicator with the seeds’ targets → IndicatorDefined, then TargetSet with the parsed target', () => {
  type TargetCase = [
    sheet: string,
    name: string,
    text: string,
    unit: string | undefined,
    baselines: Baseline[],
    measure: Measure,
    target: Target,
  ];
  it.each<TargetCase>([
    [
      '区民生活課',
      'ボランティア清掃等の参加団体数(のべ数)',
      '530団体以上',
      undefined,
      [],
      'cumulative',
      numeric('530団体以上', 530, { unit: '団体' }),
    ],
    [
      '区民生活課',
      '窓口アンケートの平均点',
      '4以上を80%',
      '点',
      [],
      'level',
      { kind: 'share', text: '4以上を80%', threshold: { comparator: 'gte', value: 4 }, share: 80 },
    ],
    [
      '区民生活課',
      '「子どもエコ教室」アンケート満足度',
      '満足度90%以上',
      '%',
      [],
      'level',
      numeric('満足度90%以上', 90, { unit: '%', label: '満足度' }),
    ],
    [
      '健康福祉課',
      '累計登録者数',
      '増加',
      '人',
      [{ fiscalYear: 2023, actual: { text: '6,635人', value: 6635, unit: '人' } }],
      'cumulative',
      { kind: 'direction', text: '増加', direction: 'increase' },
    ],
    ['健康福祉課', '健康相談及び健康教室への参加率', '12.00%', '%', [], 'level', numeric('12.00%', 12, { unit: '%' })],
    [
      '西地域保健福祉センター',
      '利用勧奨電話の実施人数',
      '対象者の全て',
      '人',
      [],
      'cumulative',
      { kind: 'coverage', text: '対象者の全て', population: '対象者' },
    ],
    [
      '保護課',
      '他法他政策等、実施される研修への参加回数',
      '職員1人あたり1回以上',
      undefined,
      [],
      'cumulative',
      { kind: 'perCapita', text: '職員1人あたり1回以上', per: '職員', comparator: 'gte', value: 1, unit: '回' },
    ],
    ['保護課', '訪問計画に基づいた訪問実施回数の割合', '88.47%', undefined, [], 'level', numeric('88.47%', 88.47, { unit: '%' })],
  ])('西区 %s: %s, 目標 %s', (unitName, name, text, unit, baselines, measure, target) => {
    const sheet = stateAfter([
      { type: 'CreateSheet', today: CREATED, sheetId: 's', fiscalYear: 2024, department: '西区', unit: unitName },
      { type: 'AddGoal', today: CREATED, goalId: 'g', text: '(組織目標)' },
    ]);
    const command: SheetCommand = {
      type: 'DefineIndicator',
      today: CREATED,
      goalId: 'g',
      indicatorId: 'i',
      name,
      ...(unit !== undefined && { unit }),
      ...(baselines.length > 0 && { baselines }),
      target: text,
    };
    const { events, state } = apply(command, sheet);
    expect(events).toStrictEqual([
      {
        type: 'IndicatorDefined',
        data: {
          goalId: 'g',
          indicatorId: 'i',
          name,
          ...(unit !== undefined && { unit }),
          measure,
          ...(measure === 'cumulative' && { progressEntry: 'toDate' }),
          baselines,
          on: CREATED,
        },
      },
      { type: 'TargetSet', data: { indicatorId: 'i', target, on: CREATED } },
    ]);
    expect(indicatorOf(state, 'i')).toStrictEqual({
      indicatorId: 'i',
      name,
      ...(unit !== undefined && { unit }),
      measure,
      ...(measure === 'cumulative' && { progressEntry: 'toDate' }),
      baselines,
      target,
      progress: {},
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Named rules → DomainError code (and path)
// ---------------------------------------------------------------------------------------------

/** One command of each type but CreateSheet and ReopenSheet, each one valid on the 西区 地域課 sheet once it is open. */
const changingCommands: SheetCommand[] = [
  { type: 'ReviseSheet', today: '2025-05-20', changes: { approach: APPROACH } },
  { type: 'AddGoal', today: '2025-05-20', goalId: 'g6', text: G6_TEXT },
  { type: 'ReviseGoal', today: '2025-05-20', goalId: g1, changes: { planRefs: ['行財3-2-③'] } },
  { type: 'RemoveGoal', today: '2025-05-20', goalId: g2 },
  { type: 'DefineIndicator', today: '2025-05-20', goalId: g2, indicatorId: 'students', name: '連携事業に参加した学生数' },
  { type: 'ReviseIndicator', today: '2025-05-20', indicatorId: sns, changes: { unit: '投稿' } },
  { type: 'SetTarget', today: '2025-05-20', indicatorId: sns, text: '200' },
  { type: 'RecordProgress', today: '2025-05-20', indicatorId: sns, quarter: 4, value: 203 },
  { type: 'RecordResult', today: '2025-05-20', indicatorId: sns, value: 203 },
  { type: 'SetEvaluationDate', today: '2025-05-20', date: '2025-05-30' },
  { type: 'Evaluate', today: '2025-05-20', goalId: g1, rating: '○', status: '190件を上回る203件を発信した。' },
  { type: 'CloseSheet', today: '2025-05-20' },
];
const byType = (command: SheetCommand) => [command.type, command] as const;

describe('SheetNotFound: any command but CreateSheet before the sheet exists', () => {
  it.each([...changingCommands, { type: 'ReopenSheet', today: '2025-05-20', reason: '再評価のため' } as SheetCommand].map(byType))(
    '%s',
    (_type, command) => {
      sheet.given([]).when(command).thenThrows(DomainError, refused('SheetNotFound'));
    },
  );
});

describe('SheetClosed: every command but ReopenSheet on a closed sheet', () => {
  const reopened = historyOf(...closeCommands, { type: 'ReopenSheet', today: '2025-05-20', reason: '再評価のため' });

  it.each(changingCommands.map(byType))('%s is refused while closed, and accepted once reopened', (_type, command) => {
    expect(closed.status).toBe('closed');
    sheet
      .given(historyOf(...closeCommands))
      .when(command)
      .thenThrows(DomainError, refused('SheetClosed'));
    const events = accepted(decide(command, fold(reopened)));
    expect(events.length).toBeGreaterThan(0);
  });

  it('covers every command type but CreateSheet and ReopenSheet', () => {
    expect(new Set(changingCommands.map((c) => c.type)).size).toBe(12);
  });

  it('CreateSheet on a closed sheet is SheetAlreadyExists (existence is checked before closure)', () => {
    const [create] = planCommands;
    if (!create) throw new Error('no CreateSheet');
    sheet
      .given(historyOf(...closeCommands))
      .when(create)
      .thenThrows(DomainError, refused('SheetAlreadyExists'));
  });
});

interface RuleCase {
  name: string;
  /** Decide against no sheet at all rather than the planned one (for CreateSheet's own rules). */
  fresh?: boolean;
  given?: SheetCommand[];
  command: SheetCommand;
  code: DomainErrorCode;
  path?: string;
}

const ruleCases: RuleCase[] = [
  { name: 'CreateSheet on an existing sheet', command: planCommands[0] as SheetCommand, code: 'SheetAlreadyExists' },
  { name: 'ReopenSheet on a draft sheet', command: { type: 'ReopenSheet', today: LATER, reason: '再評価のため' }, code: 'SheetNotClosed' },
  {
    name: 'ReopenSheet on an active sheet',
    given: [{ type: 'RecordProgress', today: '2024-07-05', indicatorId: sns, quarter: 1, value: 52 }],
    command: { type: 'ReopenSheet', today: LATER, reason: '再評価のため' },
    code: 'SheetNotClosed',
  },
  {
    name: 'ReviseGoal of an unknown goal',
    command: { type: 'ReviseGoal', today: LATER, goalId: 'nope', changes: { text: 'x' } },
    code: 'GoalNotFound',
  },
  { name: 'RemoveGoal of an unknown goal', command: { type: 'RemoveGoal', today: LATER, goalId: 'nope' }, code: 'GoalNotFound' },
  {
    name: 'DefineIndicator on an unknown goal',
    command: { type: 'DefineIndicator', today: LATER, goalId: 'nope', indicatorId: 'new', name: '来館者数' },
    code: 'GoalNotFound',
  },
  { name: 'Evaluate an unknown goal', command: { type: 'Evaluate', today: LATER, goalId: 'nope', rating: '○' }, code: 'GoalNotFound' },
  {
    name: 'Evaluate a removed goal',
    given: [{ type: 'RemoveGoal', today: LATER, goalId: g4 }],
    command: { type: 'Evaluate', today: LATER, goalId: g4, rating: '×' },
    code: 'GoalNotFound',
  },
  {
    name: 'ReviseIndicator of an unknown indicator',
    command: { type: 'ReviseIndicator', today: LATER, indicatorId: 'nope', changes: { unit: '件' } },
    code: 'IndicatorNotFound',
  },
  {
    name: 'SetTarget of an unknown indicator',
    command: { type: 'SetTarget', today: LATER, indicatorId: 'nope', text: '190' },
    code: 'IndicatorNotFound',
  },
  {
    name: 'RecordProgress of an unknown indicator',
    command: { type: 'RecordProgress', today: LATER, indicatorId: 'nope', quarter: 1, value: 1 },
    code: 'IndicatorNotFound',
  },
  {
    name: 'RecordResult of an unknown indicator',
    command: { type: 'RecordResult', today: LATER, indicatorId: 'nope', value: 1 },
    code: 'IndicatorNotFound',
  },
  {
    name: 'RecordResult of an indicator whose goal was removed',
    given: [{ type: 'RemoveGoal', today: LATER, goalId: g2 }],
    command: { type: 'RecordResult', today: LATER, indicatorId: proposals, value: 1 },
    code: 'IndicatorNotFound',
  },
  {
    name: 'AddGoal with a number in use',
    command: { type: 'AddGoal', today: LATER, goalId: 'g6', no: 3, text: G6_TEXT },
    code: 'GoalNumberTaken',
    path: 'no',
  },
  {
    name: 'ReviseGoal to a number in use',
    command: { type: 'ReviseGoal', today: LATER, goalId: g2, changes: { no: 1 } },
    code: 'GoalNumberTaken',
    path: 'changes.no',
  },
  {
    name: 'AddGoal with an id in use',
    command: { type: 'AddGoal', today: LATER, goalId: g1, no: 6, text: G6_TEXT },
    code: 'GoalAlreadyExists',
  },
  {
    name: 'DefineIndicator with an id in use on the same goal',
    command: { type: 'DefineIndicator', today: LATER, goalId: g1, indicatorId: sns, name: 'SNSによる情報発信件数' },
    code: 'IndicatorAlreadyDefined',
  },
  {
    name: 'DefineIndicator with an id in use on another goal',
    command: { type: 'DefineIndicator', today: LATER, goalId: g3, indicatorId: sns, name: 'SNSによる情報発信件数' },
    code: 'IndicatorAlreadyDefined',
  },
  ...[0, 5, 1.5, -1, Number.NaN].map((quarter): RuleCase => ({
    name: `RecordProgress for quarter ${quarter}`,
    command: { type: 'RecordProgress', today: LATER, indicatorId: sns, quarter, value: 52 },
    code: 'QuarterOutOfRange',
    path: 'quarter',
  })),
  {
    name: 'SetEvaluationDate the day before 令和6年度 starts (2024-03-31)',
    command: { type: 'SetEvaluationDate', today: LATER, date: '2024-03-31' },
    code: 'EvaluationDateOutsideWindow',
    path: 'date',
  },
  {
    name: 'SetEvaluationDate the day after 30 Sept of the following year (2025-10-01)',
    command: { type: 'SetEvaluationDate', today: LATER, date: '2025-10-01' },
    code: 'EvaluationDateOutsideWindow',
    path: 'date',
  },
  {
    name: 'CreateSheet with a 評価日 outside the window',
    fresh: true,
    command: { ...(planCommands[0] as SheetCommand), sheetId: 'other', evaluationDate: '2025-10-01' } as SheetCommand,
    code: 'EvaluationDateOutsideWindow',
    path: 'evaluationDate',
  },
  {
    name: 'SetEvaluationDate 2024-02-30',
    command: { type: 'SetEvaluationDate', today: LATER, date: '2024-02-30' },
    code: 'InvalidDate',
    path: 'date',
  },
  {
    name: 'SetEvaluationDate 2025-02-29 (not a leap year)',
    command: { type: 'SetEvaluationDate', today: LATER, date: '2025-02-29' },
    code: 'InvalidDate',
    path: 'date',
  },
  {
    name: 'CreateSheet with createdOn 2024-02-30',
    fresh: true,
    command: { ...(planCommands[0] as SheetCommand), createdOn: '2024-02-30' } as SheetCommand,
    code: 'InvalidDate',
    path: 'createdOn',
  },
  {
    name: 'CreateSheet with evaluationDate 2025-02-29',
    fresh: true,
    command: { ...(planCommands[0] as SheetCommand), evaluationDate: '2025-02-29' } as SheetCommand,
    code: 'InvalidDate',
    path: 'evaluationDate',
  },
  {
    name: 'Evaluate ○-suggested goal 2 as △ without a reason',
    given: [{ type: 'RecordResult', today: '2025-04-15', indicatorId: proposals, value: 2 }],
    command: { type: 'Evaluate', today: '2025-05-07', goalId: g2, rating: '△' },
    code: 'ReasonRequired',
    path: 'reason',
  },
  {
    name: 'Evaluate ○-suggested goal 2 as × with an empty reason',
    given: [{ type: 'RecordResult', today: '2025-04-15', indicatorId: proposals, value: 2 }],
    command: { type: 'Evaluate', today: '2025-05-07', goalId: g2, rating: '×', reason: '' },
    code: 'ReasonRequired',
    path: 'reason',
  },
  {
    name: 'Evaluate ○-suggested goal 2 as △ with a blank reason (spaces, 全角 space, newline)',
    given: [{ type: 'RecordResult', today: '2025-04-15', indicatorId: proposals, value: 2 }],
    command: { type: 'Evaluate', today: '2025-05-07', goalId: g2, rating: '△', reason: ' \u3000\n' },
    code: 'ReasonRequired',
    path: 'reason',
  },
  {
    name: 'Evaluate ×-suggested goal 4 (36,904 of 38,120) as ○ without a reason',
    given: [{ type: 'RecordResult', today: '2025-04-15', indicatorId: sakata, value: '36,904' }],
    command: { type: 'Evaluate', today: '2025-05-07', goalId: g4, rating: '○' },
    code: 'ReasonRequired',
    path: 'reason',
  },
  {
    name: 'CloseSheet with goal 5 not evaluated',
    given: evaluateAll('2025-05-07').slice(0, 4),
    command: { type: 'CloseSheet', today: '2025-05-08' },
    code: 'GoalsNotEvaluated',
  },
  {
    name: 'CloseSheet with goal 1 not evaluated',
    given: evaluateAll('2025-05-07').slice(1),
    command: { type: 'CloseSheet', today: '2025-05-08' },
    code: 'GoalsNotEvaluated',
  },
  { name: 'CloseSheet with no goal evaluated', command: { type: 'CloseSheet', today: '2025-05-08' }, code: 'GoalsNotEvaluated' },
];

describe('named rules on 西区 地域課 → DomainError code and path', () => {
  it.each(ruleCases)('$name → $code', ({ fresh = false, given = [], command, code, path }) => {
    sheet
      .given(fresh ? [] : historyOf(...planCommands, ...given))
      .when(command)
      .thenThrows(DomainError, refused(code, path));
  });

  it.each(['', '   ', '\u3000'])('ReopenSheet with reason %j → ReasonRequired at reason', (reason) => {
    sheet
      .given(historyOf(...closeCommands))
      .when({ type: 'ReopenSheet', today: '2025-05-20', reason })
      .thenThrows(DomainError, refused('ReasonRequired', 'reason'));
  });

  it.each([
    ['the first day of 令和6年度', '2024-04-01'],
    ['30 Sept of the following year', '2025-09-30'],
  ])('SetEvaluationDate on %s (%s) is accepted', (_name, date) => {
    sheet
      .given(historyOf(...planCommands))
      .when({ type: 'SetEvaluationDate', today: LATER, date })
      .then([{ type: 'EvaluationDateSet', data: { evaluationDate: date, on: LATER } }]);
  });

  it.each(['2024-04-01', '2025-09-30'])('CreateSheet with evaluationDate %s (an edge) is accepted', (evaluationDate) => {
    const create = { ...(planCommands[0] as SheetCommand), evaluationDate } as SheetCommand;
    expect(apply(create, undefined).state.evaluationDate).toBe(evaluationDate);
  });

  it('the window follows the sheet’s fiscal year (東区 令和2年度: 2020-04-01 … 2021-09-30)', () => {
    const higashi = stateAfter(seed東区健康福祉課());
    const at = (date: string) => decide({ type: 'SetEvaluationDate', today: '2021-04-10', date }, higashi);
    expect(refusal(at('2020-03-31'))).toEqual({ code: 'EvaluationDateOutsideWindow', path: 'date' });
    expect(refusal(at('2021-10-01'))).toEqual({ code: 'EvaluationDateOutsideWindow', path: 'date' });
    expect(accepted(at('2020-04-01'))).toHaveLength(1);
    expect(accepted(at('2021-09-30'))).toHaveLength(1);
    expect(refusal(at('2024-05-07'))).toEqual({ code: 'EvaluationDateOutsideWindow', path: 'date' });
  });

  it('the rule checks in order: a quarter out of range is reported before an unknown indicator', () => {
    sheet
      .given(historyOf(...planCommands))
      .when({ type: 'RecordProgress', today: LATER, indicatorId: 'nope', quarter: 5, value: 1 })
      .thenThrows(DomainError, refused('QuarterOutOfRange', 'quarter'));
  });

  it('ReviseGoal keeping its own number is not GoalNumberTaken', () => {
    sheet
      .given(historyOf(...planCommands))
      .when({ type: 'ReviseGoal', today: LATER, goalId: g2, changes: { no: 2, text: '大学との連携を進めます。' } })
      .then([{ type: 'GoalRevised', data: { goalId: g2, changes: { text: '大学との連携を進めます。' }, on: LATER } }]);
  });

  it('a removed goal’s number is free again', () => {
    const without2 = stateAfter([{ type: 'RemoveGoal', today: LATER, goalId: g2 }], planned);
    expect(accepted(decide({ type: 'AddGoal', today: LATER, goalId: 'g6', no: 2, text: G6_TEXT }, without2))).toHaveLength(1);
  });

  // "Every goal evaluated" holds vacuously for a sheet without goals: closing one must still be refused.
  it('closing a sheet that has no goals is refused', () => {
    sheet
      .given(historyOf({ type: 'CreateSheet', today: CREATED, sheetId: 'empty', fiscalYear: 2024, department: '西区', unit: '総務課' }))
      .when({ type: 'CloseSheet', today: '2025-05-08' })
      .thenThrows(DomainError, (error) => expect(error).toMatchObject({ code: 'SheetHasNoGoals' }));
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Behaviour rules
// ---------------------------------------------------------------------------------------------

describe('RecordProgress / RecordResult: first value, corrections, repeats', () => {
  const q1: SheetCommand = { type: 'RecordProgress', today: '2024-07-05', indicatorId: sns, quarter: 1, value: 52 };
  const q2: SheetCommand = { type: 'RecordProgress', today: '2024-10-04', indicatorId: sns, quarter: 2, value: 101 };
  const active = stateAfter([q1], planned);
  const activeHistory = historyOf(...planCommands, q1);
  const withQ2History = historyOf(...planCommands, q1, q2);

  it('a first value for a quarter → ProgressRecorded', () => {
    sheet
      .given(activeHistory)
      .when(q2)
      .then([{ type: 'ProgressRecorded', data: { indicatorId: sns, quarter: 2, value: { text: '101', value: 101 }, on: '2024-10-04' } }]);
  });

  it('a different second value with a reason → ProgressCorrected keeping previous and the reason; the state holds the new value', () => {
    const command: SheetCommand = {
      type: 'RecordProgress',
      today: '2024-10-11',
      indicatorId: sns,
      quarter: 2,
      value: 110,
      reason: 'Facebook分の集計漏れ',
    };
    const state = sheet
      .given(withQ2History)
      .when(command)
      .then([
        {
          type: 'ProgressCorrected',
          data: {
            indicatorId: sns,
            quarter: 2,
            value: { text: '110', value: 110 },
            previous: { value: { text: '101', value: 101 } },
            reason: 'Facebook分の集計漏れ',
            on: '2024-10-11',
          },
        },
      ]);
    if (!state) throw new Error('no state');
    // sns is entered to date: there a reason is what explains a figure lower than the one before, so it is kept.
    expect(indicatorOf(state, sns).progress).toStrictEqual({
      1: { value: { text: '52', value: 52 } },
      2: { value: { text: '110', value: 110 }, reason: 'Facebook分の集計漏れ' },
    });
  });

  it('a correction without a reason has no reason field', () => {
    sheet
      .given(withQ2History)
      .when({ type: 'RecordProgress', today: '2024-10-11', indicatorId: sns, quarter: 2, value: 110 })
      .then([
        {
          type: 'ProgressCorrected',
          data: {
            indicatorId: sns,
            quarter: 2,
            value: { text: '110', value: 110 },
            previous: { value: { text: '101', value: 101 } },
            on: '2024-10-11',
          },
        },
      ]);
  });

  it('a changed note alone is a correction too, and the previous note is kept', () => {
    sheet
      .given(historyOf(...planCommands, q1, { ...q2, note: 'Instagramのみ' }))
      .when({ type: 'RecordProgress', today: '2024-10-05', indicatorId: sns, quarter: 2, value: 101, note: 'Instagram・Facebook・X' })
      .then([
        {
          type: 'ProgressCorrected',
          data: {
            indicatorId: sns,
            quarter: 2,
            value: { text: '101', value: 101 },
            note: 'Instagram・Facebook・X',
            previous: { value: { text: '101', value: 101 }, note: 'Instagramのみ' },
            on: '2024-10-05',
          },
        },
      ]);
  });

  it.each<[string, number | string, string | undefined]>([
    ['the same number', 101, undefined],
    ['the same number as text', '101', undefined],
    ['the same number with a reason', 101, '再入力'],
  ])('%s again → no events', (_name, value, reason) => {
    sheet
      .given(withQ2History)
      .when({ type: 'RecordProgress', today: '2024-10-20', indicatorId: sns, quarter: 2, value, ...(reason !== undefined && { reason }) })
      .thenNothingHappened();
  });

  it('the first result → ResultRecorded; a different one → ResultCorrected with previous and reason; the same again → []', () => {
    const first = apply({ type: 'RecordResult', today: '2025-04-15', indicatorId: sakata, value: '36,904' }, active);
    expect(first.events).toStrictEqual([
      { type: 'ResultRecorded', data: { indicatorId: sakata, value: { text: '36,904', value: 36904 }, on: '2025-04-15' } },
    ]);
    const corrected = apply(
      { type: 'RecordResult', today: '2025-04-25', indicatorId: sakata, value: '38,455', reason: '3月分の団体利用を計上' },
      first.state,
    );
    expect(corrected.events).toStrictEqual([
      {
        type: 'ResultCorrected',
        data: {
          indicatorId: sakata,
          value: { text: '38,455', value: 38455 },
          previous: { value: { text: '36,904', value: 36904 } },
          reason: '3月分の団体利用を計上',
          on: '2025-04-25',
        },
      },
    ]);
    expect(indicatorOf(corrected.state, sakata).result).toStrictEqual({ value: { text: '38,455', value: 38455 } });
    expect(decide({ type: 'RecordResult', today: '2025-04-26', indicatorId: sakata, value: '38,455' }, corrected.state)).toEqual([]);
    const unreasoned = decide({ type: 'RecordResult', today: '2025-04-26', indicatorId: sakata, value: '38,460' }, corrected.state);
    expect(unreasoned).toStrictEqual([
      {
        type: 'ResultCorrected',
        data: {
          indicatorId: sakata,
          value: { text: '38,460', value: 38460 },
          previous: { value: { text: '38,455', value: 38455 } },
          on: '2025-04-26',
        },
      },
    ]);
  });

  it.each<[string, number | string, { text: string; value?: number; unit?: string }]>([
    ['"1,234" (grouped)', '1,234', { text: '1,234', value: 1234 }],
    ['"497,000人" (grouped with a unit)', '497,000人', { text: '497,000人', value: 497000, unit: '人' }],
    ['"２０３" (full-width)', '２０３', { text: '２０３', value: 203 }],
    ['"6事業" (count word)', '6事業', { text: '6事業', value: 6, unit: '事業' }],
    ['"実施済" (text only)', '実施済', { text: '実施済' }],
    ['1234 (a number)', 1234, { text: '1234', value: 1234 }],
  ])('the value %s is normalised: the text kept, the number read', (_name, value, expected) => {
    const progress = accepted(decide({ type: 'RecordProgress', today: '2024-07-05', indicatorId: sports, quarter: 1, value }, active));
    const result = accepted(decide({ type: 'RecordResult', today: '2025-04-15', indicatorId: sports, value }, active));
    expect(progress).toStrictEqual([
      { type: 'ProgressRecorded', data: { indicatorId: sports, quarter: 1, value: expected, on: '2024-07-05' } },
    ]);
    expect(result).toStrictEqual([{ type: 'ResultRecorded', data: { indicatorId: sports, value: expected, on: '2025-04-15' } }]);
  });
});

describe('SheetActivated: the first progress, result or evaluation activates a draft sheet, once', () => {
  it.each<[string, SheetCommand, SheetEvent['type']]>([
    ['RecordProgress', { type: 'RecordProgress', today: '2024-07-05', indicatorId: sns, quarter: 1, value: 52 }, 'ProgressRecorded'],
    ['RecordResult', { type: 'RecordResult', today: '2025-04-15', indicatorId: sns, value: 203 }, 'ResultRecorded'],
    ['Evaluate', { type: 'Evaluate', today: '2025-05-07', goalId: g1, rating: '○' }, 'GoalEvaluated'],
  ])('%s on the draft sheet → SheetActivated first; the next tracking command does not repeat it', (_name, command, type) => {
    const first = apply(command, planned);
    expect(first.events.map((e) => e.type)).toEqual(['SheetActivated', type]);
    expect(first.events[0]).toStrictEqual({ type: 'SheetActivated', data: { on: command.today } });
    expect(first.state.status).toBe('active');
    const next = apply({ type: 'RecordProgress', today: '2024-10-04', indicatorId: sports, quarter: 2, value: '261,032' }, first.state);
    expect(next.events.map((e) => e.type)).toEqual(['ProgressRecorded']);
    const evaluation = apply({ type: 'Evaluate', today: '2025-05-08', goalId: g5, rating: '△' }, first.state);
    expect(evaluation.events.map((e) => e.type)).toEqual(['GoalEvaluated']);
  });

  it.each(
    [
      { type: 'ReviseSheet', today: LATER, changes: { approach: APPROACH } },
      { type: 'AddGoal', today: LATER, goalId: 'g6', text: G6_TEXT },
      { type: 'DefineIndicator', today: LATER, goalId: g2, indicatorId: 'students', name: '連携事業に参加した学生数', target: '30人' },
      { type: 'SetTarget', today: LATER, indicatorId: sns, text: '200' },
      { type: 'SetEvaluationDate', today: LATER, date: '2025-05-07' },
    ].map((c) => byType(c as SheetCommand)),
  )('%s does not activate the draft sheet', (_type, command) => {
    const { events, state } = apply(command, planned);
    expect(events.some((e) => e.type === 'SheetActivated')).toBe(false);
    expect(state.status).toBe('draft');
  });

  it('SetEvaluationDate to the date already set → []', () => {
    const withDate = stateAfter([{ type: 'SetEvaluationDate', today: LATER, date: '2025-05-07' }], planned);
    expect(decide({ type: 'SetEvaluationDate', today: '2025-04-01', date: '2025-05-07' }, withDate)).toEqual([]);
  });
});

describe('revisions that change nothing → no events', () => {
  it.each<[string, SheetCommand]>([
    ['ReviseSheet with no fields', { type: 'ReviseSheet', today: LATER, changes: {} }],
    ['ReviseSheet with an undefined field', { type: 'ReviseSheet', today: LATER, changes: { approach: undefined } }],
    [
      'ReviseSheet with the same policy indicators and rating profile',
      {
        type: 'ReviseSheet',
        today: LATER,
        changes: { policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数'], ratingProfile: { kind: 'allIndicatorsMet' } },
      },
    ],
    [
      'ReviseGoal with the same number and text',
      { type: 'ReviseGoal', today: LATER, goalId: g1, changes: { no: 1, text: 西区地域課Texts.goal1 } },
    ],
    [
      'ReviseGoal with the same 総合計画 codes',
      { type: 'ReviseGoal', today: LATER, goalId: g5, changes: { planRefs: ['行財3-2-①', '行財3-2-②'] } },
    ],
    [
      'ReviseGoal with the same initiatives',
      {
        type: 'ReviseGoal',
        today: LATER,
        goalId: g2,
        changes: {
          initiatives: [{ description: '大学から事業提案を募集し、地域課題の解決や地域を活性化を図ります。', name: '地域と大学連携事業' }],
        },
      },
    ],
    [
      'ReviseIndicator with the same name, unit, measure',
      {
        type: 'ReviseIndicator',
        today: LATER,
        indicatorId: sns,
        changes: { name: 'SNSによる情報発信件数', unit: '件', measure: 'cumulative' },
      },
    ],
    [
      'ReviseIndicator with the same (empty) baselines',
      { type: 'ReviseIndicator', today: LATER, indicatorId: sns, changes: { baselines: [] } },
    ],
    ['SetTarget with the same text', { type: 'SetTarget', today: LATER, indicatorId: sports, text: '497,000' }],
  ])('%s → []', (_name, command) => {
    expect(decide(command, planned)).toEqual([]);
  });

  it('ReviseSheet naming fields as undefined leaves them as they are (東区: purpose and contact kept) → []', () => {
    const higashi = stateAfter(seed東区健康福祉課());
    expect(decide({ type: 'ReviseSheet', today: '2020-06-01', changes: { purpose: undefined, contact: undefined } }, higashi)).toEqual([]);
    expect([higashi.purpose?.length, higashi.contact]).toEqual([expect.any(Number), '025-250-2380']);
  });

  it('SetTarget with a differently written but equal number is a new target ("497000" ≠ "497,000" as written)', () => {
    expect(decide({ type: 'SetTarget', today: LATER, indicatorId: sports, text: '497000' }, planned)).toStrictEqual([
      {
        type: 'TargetSet',
        data: { indicatorId: sports, target: numeric('497000', 497000), previous: numeric('497,000', 497000), on: LATER },
      },
    ]);
  });
});

describe('修正日 (amendedOn)', () => {
  it('is not set by the plan made on the creation date', () => {
    expect('amendedOn' in planned).toBe(false);
    expect(viewOf(planned).amendedOn).toBeUndefined();
  });

  it.each(
    [
      { type: 'ReviseSheet', today: LATER, changes: { approach: APPROACH } },
      { type: 'AddGoal', today: LATER, goalId: 'g6', text: G6_TEXT },
      { type: 'ReviseGoal', today: LATER, goalId: g1, changes: { planRefs: ['行財3-2-③'] } },
      { type: 'RemoveGoal', today: LATER, goalId: g2 },
      { type: 'DefineIndicator', today: LATER, goalId: g2, indicatorId: 'students', name: '連携事業に参加した学生数' },
      { type: 'ReviseIndicator', today: LATER, indicatorId: sns, changes: { unit: '投稿' } },
      { type: 'SetTarget', today: LATER, indicatorId: sns, text: '200' },
    ].map((c) => byType(c as SheetCommand)),
  )('%s after the creation date sets it to that day', (_type, command) => {
    expect(apply(command, planned).state.amendedOn).toBe(LATER);
  });

  it.each(
    [
      { type: 'ReviseSheet', today: CREATED, changes: { approach: APPROACH } },
      { type: 'SetTarget', today: CREATED, indicatorId: sns, text: '200' },
    ].map((c) => byType(c as SheetCommand)),
  )('%s on the creation date leaves it unset', (_type, command) => {
    expect(apply(command, planned).state.amendedOn).toBeUndefined();
  });

  it.each(
    [
      { type: 'RecordProgress', today: '2024-07-05', indicatorId: sns, quarter: 1, value: 52 },
      { type: 'RecordResult', today: '2025-04-15', indicatorId: sns, value: 203 },
      { type: 'Evaluate', today: '2025-05-07', goalId: g1, rating: '○' },
      { type: 'SetEvaluationDate', today: '2025-04-15', date: '2025-05-07' },
    ].map((c) => byType(c as SheetCommand)),
  )('%s never sets it', (_type, command) => {
    expect(apply(command, planned).state.amendedOn).toBeUndefined();
  });

  it('follows the latest plan change, and progress after it leaves it there', () => {
    const state = stateAfter(
      [
        { type: 'SetTarget', today: LATER, indicatorId: sns, text: '200' },
        { type: 'ReviseGoal', today: '2024-09-12', goalId: g1, changes: { planRefs: ['行財3-2-③'] } },
        { type: 'RecordProgress', today: '2024-10-04', indicatorId: sns, quarter: 2, value: 101 },
        { type: 'Evaluate', today: '2025-05-07', goalId: g1, rating: '○' },
      ],
      planned,
    );
    expect(state.amendedOn).toBe('2024-09-12');
  });
});

describe('Evaluate: the suggested rating at that moment', () => {
  type SuggestionCase = [name: string, results: [string, number | string][], goalId: string, suggested: Rating | null];
  const cases: SuggestionCase[] = [
    [
      'goal 1: 203 of 190 and 2企画実施 of 2企画実施 → ○',
      [
        [sns, 203],
        [followers, '2企画実施'],
      ],
      g1,
      '○',
    ],
    [
      'goal 1: 203 of 190 but 1企画実施 of 2 → △',
      [
        [sns, 203],
        [followers, '1企画実施'],
      ],
      g1,
      '△',
    ],
    [
      'goal 1: 150 of 190 and 0企画 → ×',
      [
        [sns, 150],
        [followers, '0企画'],
      ],
      g1,
      '×',
    ],
    ['goal 1: only one of its two indicators has a result → null', [[sns, 203]], g1, null],
    ['goal 2: 1 of 2 → ×', [[proposals, 1]], g2, '×'],
    ['goal 3: 502,381 of 497,000 → ○', [[sports, '502,381']], g3, '○'],
    ['goal 4: 36,904 of 38,120 → ×', [[sakata, '36,904']], g4, '×'],
    [
      'goal 5: 6事業 of 5事業以上 but 14団体 of 15団体 → △',
      [
        [councilProjects, '6事業'],
        [communityGroups, '14団体'],
      ],
      g5,
      '△',
    ],
    [
      'goal 5: a result in another unit (6件 against 事業) cannot be judged → null',
      [
        [councilProjects, '6件'],
        [communityGroups, '15団体'],
      ],
      g5,
      null,
    ],
    ['goal 3: no result → null', [], g3, null],
  ];

  it.each(cases)('%s', (_name, results, goalId, suggested) => {
    const state = stateAfter(
      results.map(([indicatorId, value]): SheetCommand => ({ type: 'RecordResult', today: '2025-04-15', indicatorId, value })),
      planned,
    );
    expect(viewOf(state).goals.find((g) => g.goalId === goalId)?.suggestedRating).toBe(suggested);
    // The suggested rating needs no reason …
    const rating: Rating = suggested ?? '△';
    const events = accepted(decide({ type: 'Evaluate', today: '2025-05-07', goalId, rating }, state));
    const evaluated = events.find((e) => e.type === 'GoalEvaluated');
    expect(evaluated).toStrictEqual({ type: 'GoalEvaluated', data: { goalId, rating, suggestedRating: suggested, on: '2025-05-07' } });
    // … and when there is none, any rating needs no reason either.
    if (suggested === null) {
      for (const other of ['○', '△', '×'] as const) {
        expect(accepted(decide({ type: 'Evaluate', today: '2025-05-07', goalId, rating: other }, state)).map((e) => e.type)).toContain(
          'GoalEvaluated',
        );
      }
    }
  });

  it('a goal without indicators has no suggestion: any rating is accepted without a reason', () => {
    sheet
      .given(historyOf(...planCommands, { type: 'AddGoal', today: LATER, goalId: 'g6', text: G6_TEXT }))
      .when({ type: 'Evaluate', today: '2025-05-07', goalId: 'g6', rating: '×' })
      .then([
        { type: 'SheetActivated', data: { on: '2025-05-07' } },
        { type: 'GoalEvaluated', data: { goalId: 'g6', rating: '×', suggestedRating: null, on: '2025-05-07' } },
      ]);
  });

  it('a rating that differs from the suggestion, with a reason → GoalEvaluated storing both', () => {
    const reason = '利用者数は目標を上回ったが、使用料の適正化は検討段階にとどまったため';
    const after = sheet
      .given(historyOf(...planCommands, { type: 'RecordResult', today: '2025-04-15', indicatorId: sports, value: '502,381' }))
      .when({ type: 'Evaluate', today: '2025-05-07', goalId: g3, rating: '△', reason })
      .then([{ type: 'GoalEvaluated', data: { goalId: g3, rating: '△', suggestedRating: '○', reason, on: '2025-05-07' } }]);
    if (!after) throw new Error('no state');
    expect(goalOf(after, g3).evaluation).toStrictEqual({ rating: '△', suggestedRating: '○', reason, evaluatedOn: '2025-05-07' });
  });

  it.each([
    ['from the seeds: 530団体以上, 548団体 → ○', '530団体以上', [], '548団体', '○'],
    ['4以上を80%: 83% of answers 4 or more → ○', '4以上を80%', [], '83%', '○'],
    ['4以上を80%: a mean score 4.3 is not the share → null', '4以上を80%', [], '4.3', null],
    ['増加 from R5末 6,635人: 7,102人 → ○', '増加', [{ fiscalYear: 2023, actual: parseMeasurement('6,635人') }], '7,102人', '○'],
    ['増加 from R5末 6,635人: 6,500人 → ×', '増加', [{ fiscalYear: 2023, actual: parseMeasurement('6,635人') }], '6,500人', '×'],
    ['増加 without a baseline → null', '増加', [], '7,102人', null],
    ['対象者の全て: 100% → ○', '対象者の全て', [], '100%', '○'],
    ['対象者の全て: a count (42人) needs a person → null', '対象者の全て', [], '42人', null],
    ['職員1人あたり1回以上: 1.4回 → ○', '職員1人あたり1回以上', [], '1.4回', '○'],
    ['職員1人あたり1回以上: 0.8回 → ×', '職員1人あたり1回以上', [], '0.8回', '×'],
  ] as [string, string, Baseline[], string, Rating | null][])('%s', (_name, target, baselines, result, suggested) => {
    sheet
      .given(
        historyOf(
          { type: 'CreateSheet', today: CREATED, sheetId: 's', fiscalYear: 2024, department: '西区', unit: '(課)' },
          { type: 'AddGoal', today: CREATED, goalId: 'g', text: '(組織目標)' },
          { type: 'DefineIndicator', today: CREATED, goalId: 'g', indicatorId: 'i', name: '(指標)', baselines, target },
          { type: 'RecordResult', today: '2025-04-15', indicatorId: 'i', value: result },
        ),
      )
      .when({ type: 'Evaluate', today: '2025-05-07', goalId: 'g', rating: suggested ?? '△' })
      .then([{ type: 'GoalEvaluated', data: { goalId: 'g', rating: suggested ?? '△', suggestedRating: suggested, on: '2025-05-07' } }]);
  });

  it('keeps the suggestion of its moment; after a corrected result a new evaluation needs a reason for the old rating', () => {
    const before: SheetCommand[] = [
      ...planCommands,
      { type: 'RecordResult', today: '2025-04-15', indicatorId: proposals, value: 1 },
      { type: 'Evaluate', today: '2025-05-07', goalId: g2, rating: '×' },
      { type: 'RecordResult', today: '2025-05-09', indicatorId: proposals, value: 2, reason: '3月末の提案1件が未計上' },
    ];
    const first = stateAfter(before);
    expect(goalOf(first, g2).evaluation).toStrictEqual({ rating: '×', suggestedRating: '×', evaluatedOn: '2025-05-07' });
    expect(viewOf(first).goals.find((g) => g.goalId === g2)?.suggestedRating).toBe('○');
    const given = sheet.given(historyOf(...before));
    given
      .when({ type: 'Evaluate', today: '2025-05-10', goalId: g2, rating: '×' })
      .thenThrows(DomainError, refused('ReasonRequired', 'reason'));
    given
      .when({ type: 'Evaluate', today: '2025-05-10', goalId: g2, rating: '○' })
      .then([{ type: 'GoalEvaluated', data: { goalId: g2, rating: '○', suggestedRating: '○', on: '2025-05-10' } }]);
  });

  it('re-evaluating with identical content → [] (even on another day); a changed status is a new evaluation', () => {
    const command: SheetCommand = {
      type: 'Evaluate',
      today: '2025-05-07',
      goalId: g4,
      rating: '×',
      status: '来館者数は36,904人で目標に届かなかった。',
      policy: '冬季の企画展を拡充します。',
    };
    const given = sheet.given(
      historyOf(...planCommands, { type: 'RecordResult', today: '2025-04-15', indicatorId: sakata, value: '36,904' }, command),
    );
    given.when(command).thenNothingHappened();
    given.when({ ...command, today: '2025-05-20' }).thenNothingHappened();
    given.when({ ...command, today: '2025-05-20', status: '来館者数は36,904人(前年比3%増)で目標に届かなかった。' }).then([
      {
        type: 'GoalEvaluated',
        data: {
          goalId: g4,
          rating: '×',
          suggestedRating: '×',
          status: '来館者数は36,904人(前年比3%増)で目標に届かなかった。',
          policy: '冬季の企画展を拡充します。',
          on: '2025-05-20',
        },
      },
    ]);
  });

  it('a blank reason where none is needed is not stored', () => {
    sheet
      .given(historyOf(...planCommands, { type: 'RecordResult', today: '2025-04-15', indicatorId: proposals, value: 2 }))
      .when({ type: 'Evaluate', today: '2025-05-07', goalId: g2, rating: '○', reason: '  ' })
      .then([{ type: 'GoalEvaluated', data: { goalId: g2, rating: '○', suggestedRating: '○', on: '2025-05-07' } }]);
  });
});

describe('CloseSheet / ReopenSheet', () => {
  it('closing with every goal evaluated → SheetClosed; reopening with a reason → active, and it can be changed and closed again', () => {
    sheet
      .given(historyOf(...planCommands, ...evaluateAll('2025-05-07')))
      .when({ type: 'CloseSheet', today: '2025-05-08' })
      .then([{ type: 'SheetClosed', data: { on: '2025-05-08' } }]);
    const reopened = apply({ type: 'ReopenSheet', today: '2025-05-20', reason: '集計漏れの訂正' }, closed);
    expect(reopened.events).toStrictEqual([{ type: 'SheetReopened', data: { reason: '集計漏れの訂正', on: '2025-05-20' } }]);
    expect(reopened.state.status).toBe('active');
    const corrected = apply({ type: 'RecordResult', today: '2025-05-20', indicatorId: sakata, value: '38,455' }, reopened.state);
    expect(corrected.events.map((e) => e.type)).toEqual(['ResultRecorded']);
    expect(apply({ type: 'CloseSheet', today: '2025-05-21' }, corrected.state).state.status).toBe('closed');
  });
});

describe('RemoveGoal removes its indicators', () => {
  it('goal 5 and both its indicators are gone; their ids can be defined afresh', () => {
    const state = stateAfter([{ type: 'RemoveGoal', today: LATER, goalId: g5 }], planned);
    expect(state.goals.flatMap((g) => g.indicators.map((i) => i.indicatorId))).toEqual([sns, followers, proposals, sports, sakata]);
    for (const indicatorId of [councilProjects, communityGroups]) {
      expect(refusal(decide({ type: 'RecordProgress', today: '2024-07-05', indicatorId, quarter: 1, value: 1 }, state))).toEqual({
        code: 'IndicatorNotFound',
        path: undefined,
      });
    }
    expect(
      accepted(
        decide(
          { type: 'DefineIndicator', today: LATER, goalId: g1, indicatorId: councilProjects, name: '区自治協議会提案事業の実施支援件数' },
          state,
        ),
      ),
    ).toHaveLength(1);
  });
});

describe('inferMeasure: rates, %, 満足度, 平均, 点 are levels; counts are cumulative', () => {
  it.each<[string, string | undefined, string | undefined, Measure]>([
    ['窓口アンケートの平均点', '点', '4以上を80%', 'level'],
    ['「子どもエコ教室」アンケート満足度', '%', '満足度90%以上', 'level'],
    ['健康相談及び健康教室への参加率', '%', '12.00%', 'level'],
    ['訪問計画に基づいた訪問実施回数の割合', undefined, '88.47%', 'level'],
    ['研修受講者のアンケートで自身の成長につながったと回答した割合', undefined, '90%以上', 'level'],
    ['参加者アンケートでの満足度', '%', '80', 'level'],
    ['健康寿命(日常生活に制限のない期間の平均)', undefined, undefined, 'level'],
    ['窓口アンケート', '点', undefined, 'level'],
    ['「満足」と回答した人', '％', undefined, 'level'],
    ['(target only says it)', undefined, '満足度90%以上', 'level'],
    ['SNSによる情報発信件数', '件', '190', 'cumulative'],
    ['スポーツ施設利用者数', '人', '497,000', 'cumulative'],
    ['ボランティア清掃等の参加団体数(のべ数)', undefined, '530団体以上', 'cumulative'],
    ['新規フォロワー獲得のための企画の実施', undefined, '2企画実施', 'cumulative'],
    ['他法他政策等、実施される研修への参加回数', undefined, '職員1人あたり1回以上', 'cumulative'],
    ['利用勧奨電話の実施人数', '人', '対象者の全て', 'cumulative'],
    ['年次有給休暇の取得日数', '日', '14.0日', 'cumulative'],
    ['区内小中学校への訪問', '回', '60', 'cumulative'],
  ])('%s (%s, %s) → %s', (name, unit, target, measure) => {
    expect(inferMeasure(name, unit, target)).toBe(measure);
  });

  it('DefineIndicator uses it when no measure is given, and a given measure wins', () => {
    const define = (measure?: Measure) =>
      accepted(
        decide(
          {
            type: 'DefineIndicator',
            today: CREATED,
            goalId: g1,
            indicatorId: 'score',
            name: '窓口アンケートの平均点',
            unit: '点',
            ...(measure && { measure }),
          },
          planned,
        ),
      )[0];
    expect(define()).toMatchObject({ type: 'IndicatorDefined', data: { measure: 'level' } });
    expect(define('cumulative')).toMatchObject({ type: 'IndicatorDefined', data: { measure: 'cumulative' } });
  });

  // 点 and 率 inside ordinary words — 拠点 (a base, counted), 効率化 (a count of measures) — do not make a level.
  it.each<[string, string]>([
    ['地域の茶の間の拠点数', '箇所'],
    ['業務効率化の取組件数', '件'],
  ])('%s (%s) is a count → cumulative', (name, unit) => {
    expect(inferMeasure(name, unit)).toBe('cumulative');
  });
});

// ---------------------------------------------------------------------------------------------
// 4. A whole year of 西区 地域課
// ---------------------------------------------------------------------------------------------

describe('a year of 西区 地域課, 令和6年度', () => {
  const progressDays = ['2024-07-05', '2024-10-04', '2025-01-10', '2025-04-04'] as const;
  const progress: [string, (number | string)[]][] = [
    [sns, [52, 101, 148, 203]],
    [followers, ['0企画', '1企画実施', '1企画実施', '2企画実施']],
    [proposals, [0, 1, 1, 1]],
    [sports, ['128,450', '261,032', '389,870', '502,381']],
    [sakata, ['9,842', '20,115', '29,480', '36,904']],
    [councilProjects, [1, 3, 5, 6]],
    [communityGroups, [12, 14, 14, 14]],
  ];
  const results: [string, number | string][] = [
    [sns, 203],
    [followers, '2企画実施'],
    [proposals, 1],
    [sports, '502,381'],
    [sakata, '36,904'],
    [councilProjects, '6事業'],
    [communityGroups, '14団体'],
  ];
  const g3Reason = '利用者数は目標を上回ったが、使用料の適正化は検討段階にとどまったため';
  const evaluations: SheetCommand[] = [
    { type: 'Evaluate', today: '2025-05-07', goalId: g1, rating: '○', status: '203件を発信し、フォロワー獲得企画を2件実施した。' },
    {
      type: 'Evaluate',
      today: '2025-05-07',
      goalId: g2,
      rating: '×',
      status: '大学からの提案は1件にとどまった。',
      policy: '募集時期を早めます。',
    },
    { type: 'Evaluate', today: '2025-05-07', goalId: g3, rating: '△', reason: g3Reason },
    { type: 'Evaluate', today: '2025-05-07', goalId: g4, rating: '×', status: '来館者数は36,904人で目標に届かなかった。' },
    { type: 'Evaluate', today: '2025-05-07', goalId: g5, rating: '△' },
  ];
  const year: SheetCommand[] = [
    ...planCommands,
    ...progressDays.flatMap((today, q) =>
      progress.map(([indicatorId, values]): SheetCommand => ({
        type: 'RecordProgress',
        today,
        indicatorId,
        quarter: q + 1,
        value: values[q] ?? '',
      })),
    ),
    ...results.map(([indicatorId, value]): SheetCommand => ({ type: 'RecordResult', today: '2025-04-15', indicatorId, value })),
    { type: 'SetEvaluationDate', today: '2025-04-15', date: '2025-05-07' },
    ...evaluations,
    { type: 'CloseSheet', today: '2025-05-07' },
  ];
  const { state, events } = run(year);
  const view = viewOf(state);

  it('appends the expected events: one activation, 28 progress entries, 7 results, 5 evaluations, one close', () => {
    const counts = events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.type]: (acc[e.type] ?? 0) + 1 }), {});
    expect(counts).toEqual({
      SheetCreated: 1,
      GoalAdded: 5,
      IndicatorDefined: 7,
      TargetSet: 7,
      SheetActivated: 1,
      ProgressRecorded: 28,
      ResultRecorded: 7,
      EvaluationDateSet: 1,
      GoalEvaluated: 5,
      SheetClosed: 1,
    });
    expect(events.findIndex((e) => e.type === 'SheetActivated')).toBe(20);
    expect(events[21]).toStrictEqual({
      type: 'ProgressRecorded',
      data: { indicatorId: sns, quarter: 1, value: { text: '52', value: 52 }, on: '2024-07-05' },
    });
    expect(events.at(-1)).toStrictEqual({ type: 'SheetClosed', data: { on: '2025-05-07' } });
  });

  it('the view: 令和6年度, closed, 評価日 2025-05-07, no 修正日, the suggested and given ratings per goal', () => {
    expect({
      fiscalYearLabel: view.fiscalYearLabel,
      status: view.status,
      createdOn: view.createdOn,
      amendedOn: view.amendedOn,
      evaluationDate: view.evaluationDate,
    }).toStrictEqual({
      fiscalYearLabel: '令和6年度',
      status: 'closed',
      createdOn: '2024-04-01',
      amendedOn: undefined,
      evaluationDate: '2025-05-07',
    });
    expect(view.goals.map((g) => [g.no, g.suggestedRating, g.evaluation?.rating, g.evaluation?.suggestedRating])).toEqual([
      [1, '○', '○', '○'],
      [2, '×', '×', '×'],
      [3, '○', '△', '○'],
      [4, '×', '×', '×'],
      [5, '△', '△', '△'],
    ]);
    expect(view.goals[2]?.evaluation).toStrictEqual({ rating: '△', suggestedRating: '○', reason: g3Reason, evaluatedOn: '2025-05-07' });
    expect(view.goals[1]?.evaluation).toStrictEqual({
      rating: '×',
      suggestedRating: '×',
      status: '大学からの提案は1件にとどまった。',
      policy: '募集時期を早めます。',
      evaluatedOn: '2025-05-07',
    });
  });

  it('the view: each indicator’s achievement against its R6目標', () => {
    expect(view.goals.flatMap((g) => g.indicators.map((i) => [i.indicatorId, i.achievement]))).toEqual([
      [sns, { status: 'met', achievementRate: 203 / 190 }],
      [followers, { status: 'met', achievementRate: 1 }],
      [proposals, { status: 'notMet', achievementRate: 1 / 2 }],
      [sports, { status: 'met', achievementRate: 502381 / 497000 }],
      [sakata, { status: 'notMet', achievementRate: 36904 / 38120 }],
      [councilProjects, { status: 'met', achievementRate: 6 / 5 }],
      [communityGroups, { status: 'notMet', achievementRate: 14 / 15 }],
    ]);
    expect(indicatorOf(state, sports).progress).toStrictEqual({
      1: { value: { text: '128,450', value: 128450 } },
      2: { value: { text: '261,032', value: 261032 } },
      3: { value: { text: '389,870', value: 389870 } },
      4: { value: { text: '502,381', value: 502381 } },
    });
    expect(indicatorOf(state, communityGroups).result).toStrictEqual({ value: { text: '14団体', value: 14, unit: '団体' } });
  });

  it('no event data holds undefined: the events survive a JSON round trip unchanged, and replay to the same sheet', () => {
    const stored = JSON.parse(JSON.stringify(events)) as SheetEvent[];
    expect(stored).toStrictEqual(events);
    expect(fold(stored)).toStrictEqual(state);
  });

  it('a closed year refuses a late correction until it is reopened', () => {
    const late: SheetCommand = { type: 'RecordResult', today: '2025-05-20', indicatorId: sakata, value: '38,455' };
    expect(refusal(decide(late, state))).toEqual({ code: 'SheetClosed', path: undefined });
    const reopened = stateAfter([{ type: 'ReopenSheet', today: '2025-05-20', reason: '3月分の団体利用の計上漏れ' }], state);
    expect(decide(late, reopened)).toStrictEqual([
      {
        type: 'ResultCorrected',
        data: {
          indicatorId: sakata,
          value: { text: '38,455', value: 38455 },
          previous: { value: { text: '36,904', value: 36904 } },
          on: '2025-05-20',
        },
      },
    ]);
  });
});
