import { DomainError, type DomainErrorCode } from '@shinchoku/sheets/domain/errors';
import {
  decideWardPlan,
  evolveWardPlan,
  type PriorityGoal,
  type WardPlan,
  type WardPlanCommand,
  type WardPlanEvent,
} from '@shinchoku/sheets/domain/ward-plan';
import { refused, wardPlan } from './deciders';
import { seed東区WardPlan, 東区重点目標 } from './sheet-builder';

type Decision = WardPlanEvent[] | DomainError;

function refusal(decision: Decision): { code: DomainErrorCode; path: string | undefined } {
  if (!(decision instanceof DomainError)) throw new Error(`expected a DomainError, got ${JSON.stringify(decision)}`);
  expect(decision.message.length).toBeGreaterThan(0);
  return { code: decision.code, path: decision.path };
}

function accepted(decision: Decision): WardPlanEvent[] {
  if (decision instanceof DomainError) throw new Error(`expected events, got ${decision.code}: ${decision.message}`);
  return decision;
}

const foldPlan = (events: readonly WardPlanEvent[], initial?: WardPlan): WardPlan | undefined =>
  events.reduce<WardPlan | undefined>(evolveWardPlan, initial);

function planAfter(commands: readonly WardPlanCommand[], initial?: WardPlan): WardPlan {
  let state = initial;
  for (const command of commands) state = foldPlan(accepted(decideWardPlan(command, state)), state);
  if (!state) throw new Error('no CreateWardPlan among the commands');
  return state;
}

const create = seed東区WardPlan();
/** 東区, 令和2年度: 区長 石井 哲也 and five 重点目標. */
const 東区 = planAfter([create]);
const [pg1, pg2, pg3, pg4, pg5] = 東区重点目標 as [PriorityGoal, PriorityGoal, PriorityGoal, PriorityGoal, PriorityGoal];

describe('CreateWardPlan', () => {
  it('東区 令和2年度 → WardPlanCreated with everything from the ward page; folds to the plan', () => {
    const events = accepted(decideWardPlan(create, undefined));
    expect(events).toStrictEqual([
      {
        type: 'WardPlanCreated',
        data: {
          wardPlanId: 'higashi-2020',
          department: '東区',
          fiscalYear: 2020,
          headName: '石井 哲也',
          purpose: create.purpose,
          introduction: create.introduction,
          priorityGoals: [pg1, pg2, pg3, pg4, pg5],
          on: '2020-04-01',
        },
      },
    ]);
    expect(foldPlan(events)).toStrictEqual({
      wardPlanId: 'higashi-2020',
      department: '東区',
      fiscalYear: 2020,
      headName: '石井 哲也',
      purpose: create.purpose,
      introduction: create.introduction,
      priorityGoals: [pg1, pg2, pg3, pg4, pg5],
    });
  });

  it('priority goals given out of order are stored ordered by number', () => {
    const events = accepted(decideWardPlan({ ...create, priorityGoals: [pg3, pg1, pg5, pg2, pg4] }, undefined));
    expect(events[0]?.type).toBe('WardPlanCreated');
    expect(foldPlan(events)?.priorityGoals.map((g) => g.no)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a plan with only the required fields', () => {
    const events = accepted(
      decideWardPlan(
        { type: 'CreateWardPlan', today: '2024-04-01', wardPlanId: 'nishi-2024', department: '西区', fiscalYear: 2024, priorityGoals: [] },
        undefined,
      ),
    );
    expect(events).toStrictEqual([
      {
        type: 'WardPlanCreated',
        data: { wardPlanId: 'nishi-2024', department: '西区', fiscalYear: 2024, priorityGoals: [], on: '2024-04-01' },
      },
    ]);
  });
});

describe('RevisePriorityGoals', () => {
  it('a changed text → PriorityGoalsRevised with the whole ordered list', () => {
    const revised: PriorityGoal = { no: 1, text: '地域と連携しながら区民のさらなる防災意識の向上と避難所運営体制の強化を図ります。' };
    const events = accepted(
      decideWardPlan({ type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals: [pg2, pg3, pg4, pg5, revised] }, 東区),
    );
    expect(events).toStrictEqual([
      { type: 'PriorityGoalsRevised', data: { priorityGoals: [revised, pg2, pg3, pg4, pg5], on: '2020-06-01' } },
    ]);
    expect(foldPlan(events, 東区)?.priorityGoals).toStrictEqual([revised, pg2, pg3, pg4, pg5]);
  });

  it('a goal dropped → PriorityGoalsRevised with four goals', () => {
    const events = accepted(
      decideWardPlan({ type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals: [pg1, pg2, pg3, pg4] }, 東区),
    );
    expect(foldPlan(events, 東区)?.priorityGoals.map((g) => g.no)).toEqual([1, 2, 3, 4]);
  });

  it.each<[string, PriorityGoal[]]>([
    ['the same goals', [pg1, pg2, pg3, pg4, pg5]],
    ['the same goals in another order', [pg5, pg4, pg3, pg2, pg1]],
    ['the same goals with keys in another order', 東区重点目標.map(({ no, text }) => ({ text, no }))],
  ])('%s → []', (_name, priorityGoals) => {
    expect(decideWardPlan({ type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals }, 東区)).toEqual([]);
  });
});

describe('EvaluateWardPlan', () => {
  it.each([0, 4, 5])('達成数 %i of 目標数 5 → WardPlanEvaluated; folds to the evaluation dated that day', (achievedCount) => {
    const command: WardPlanCommand = {
      type: 'EvaluateWardPlan',
      today: '2021-05-14',
      achievedCount,
      status: '新型コロナウイルス感染症の影響により、一部の取組を縮小して実施した。',
      direction: '感染症対策を講じながら、地域と連携した取組を進めます。',
    };
    const events = accepted(decideWardPlan(command, 東区));
    expect(events).toStrictEqual([
      {
        type: 'WardPlanEvaluated',
        data: {
          goalCount: 5,
          achievedCount,
          status: '新型コロナウイルス感染症の影響により、一部の取組を縮小して実施した。',
          direction: '感染症対策を講じながら、地域と連携した取組を進めます。',
          on: '2021-05-14',
        },
      },
    ]);
    expect(foldPlan(events, 東区)?.evaluation).toStrictEqual({
      goalCount: 5,
      achievedCount,
      status: '新型コロナウイルス感染症の影響により、一部の取組を縮小して実施した。',
      direction: '感染症対策を講じながら、地域と連携した取組を進めます。',
      evaluatedOn: '2021-05-14',
    });
  });

  it('目標数 is the number of 重点目標 at the time (4 after one was dropped)', () => {
    const four = planAfter([{ type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals: [pg1, pg2, pg3, pg4] }], 東区);
    expect(decideWardPlan({ type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 4 }, four)).toStrictEqual([
      { type: 'WardPlanEvaluated', data: { goalCount: 4, achievedCount: 4, on: '2021-05-14' } },
    ]);
    expect(refusal(decideWardPlan({ type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 5 }, four))).toEqual({
      code: 'AchievedCountTooHigh',
      path: 'achievedCount',
    });
  });

  it('a later evaluation replaces the earlier one', () => {
    const once = planAfter([{ type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 3, status: '暫定' }], 東区);
    const twice = planAfter([{ type: 'EvaluateWardPlan', today: '2021-05-28', achievedCount: 4 }], once);
    expect(twice.evaluation).toStrictEqual({ goalCount: 5, achievedCount: 4, evaluatedOn: '2021-05-28' });
  });
});

describe('named rules → DomainError code and path', () => {
  const duplicate: PriorityGoal = { no: 3, text: '地域で安心して子育てができるようにサポートを強化します。' };
  const created = accepted(decideWardPlan(create, undefined));
  it.each<[string, DomainErrorCode, string | undefined, WardPlanEvent[], WardPlanCommand]>([
    ['CreateWardPlan on an existing plan', 'WardPlanAlreadyExists', undefined, created, create],
    [
      'RevisePriorityGoals before the plan exists',
      'WardPlanNotFound',
      undefined,
      [],
      { type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals: [pg1] },
    ],
    [
      'EvaluateWardPlan before the plan exists',
      'WardPlanNotFound',
      undefined,
      [],
      { type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 0 },
    ],
    [
      'CreateWardPlan with 重点目標 3 twice (the 6th entry)',
      'PriorityGoalNumberTaken',
      'priorityGoals[5].no',
      [],
      { ...create, priorityGoals: [pg1, pg2, pg3, pg4, pg5, duplicate] },
    ],
    [
      'RevisePriorityGoals with 重点目標 3 twice (the 2nd entry)',
      'PriorityGoalNumberTaken',
      'priorityGoals[1].no',
      created,
      { type: 'RevisePriorityGoals', today: '2020-06-01', priorityGoals: [pg3, duplicate, pg1] },
    ],
    [
      'EvaluateWardPlan with 達成数 6 of 5',
      'AchievedCountTooHigh',
      'achievedCount',
      created,
      { type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 6 },
    ],
    [
      'EvaluateWardPlan with 達成数 1 on a plan without 重点目標',
      'AchievedCountTooHigh',
      'achievedCount',
      accepted(decideWardPlan({ ...create, wardPlanId: 'empty', priorityGoals: [] }, undefined)),
      { type: 'EvaluateWardPlan', today: '2021-05-14', achievedCount: 1 },
    ],
  ])('%s → %s', (_name, code, path, given, command) => {
    wardPlan.given(given).when(command).thenThrows(DomainError, refused(code, path));
  });
});

describe('repeats and optional fields', () => {
  // The sheet decider answers a repeat of the same evaluation with no events (Evaluate is a PUT, and PUT is idempotent);
  // the ward plan's EvaluateWardPlan (also PUT …/evaluation) appends a new WardPlanEvaluated every time, moving
  // evaluatedOn. I expect [] for an identical evaluation, as for RevisePriorityGoals and the sheet's Evaluate.
  it('re-evaluating the ward plan with identical content → []', () => {
    const command: WardPlanCommand = {
      type: 'EvaluateWardPlan',
      today: '2021-05-14',
      achievedCount: 4,
      status: '4つの重点目標を達成した。',
    };
    const evaluated = planAfter([command], 東区);
    expect(decideWardPlan({ ...command, today: '2021-05-20' }, evaluated)).toEqual([]);
  });

  // The sheet decider never puts an undefined field in event data (it spreads optional fields only when given);
  // decideWardPlan copies the command as it is, so an optional field passed as undefined (say, by an importer
  // writing `headName: row.head` for an empty cell) lands in WardPlanCreated.data as `headName: undefined`.
  it('CreateWardPlan with optional fields passed as undefined → event data without undefined (survives a JSON round trip)', () => {
    const events = accepted(decideWardPlan({ ...create, headName: undefined, purpose: undefined, introduction: undefined }, undefined));
    expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
  });
});
