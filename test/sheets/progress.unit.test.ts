import type { Quarter } from '@shinchoku/municipality';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import {
  DEFAULT_PROGRESS_THRESHOLDS,
  indicatorProgress,
  quarterProgress,
  validateThresholds,
  type ProgressState,
  type ProgressThresholds,
  type QuarterProgress,
} from '@shinchoku/sheets/domain/progress';
import type { Indicator, Measure, Recorded } from '@shinchoku/sheets/domain/sheet.types';
import { parseTarget, type Target } from '@shinchoku/sheets/domain/target';
import { 西区地域課, type SeedIndicator } from '../fixtures/seed-sheets';

// ---------------------------------------------------------------------------------------------
// Indicators shaped like the seeds: targets and values as people write them, parsed as the API does.

type Values = ReadonlyArray<string | undefined>;

interface Options {
  measure?: Measure;
  unit?: string;
  baselines?: ReadonlyArray<readonly [fiscalYear: number, actual: string]>;
}

let nextId = 0;

/** `values[0]` is Q1 …; undefined (or a short array) means nothing recorded for that quarter. */
function indicator(target: string | Target | undefined, values: Values, options: Options = {}): Indicator {
  const progress: Partial<Record<Quarter, Recorded>> = {};
  values.forEach((text, i) => {
    if (text !== undefined) progress[(i + 1) as Quarter] = { value: parseMeasurement(text) };
  });
  return {
    indicatorId: `i${++nextId}`,
    name: typeof target === 'string' ? target : (target?.text ?? 'no target'),
    ...(options.unit ? { unit: options.unit } : {}),
    measure: options.measure ?? 'cumulative',
    baselines: (options.baselines ?? []).map(([fiscalYear, actual]) => ({ fiscalYear, actual: parseMeasurement(actual) })),
    ...(target === undefined ? {} : { target: typeof target === 'string' ? parseTarget(target) : target }),
    progress,
  };
}

const level = (target: string | Target | undefined, values: Values, options: Options = {}) =>
  indicator(target, values, { ...options, measure: 'level' });

function seed(name: string, measure: Measure = 'cumulative'): Indicator {
  const found = 西区地域課.goals.flatMap((g) => g.indicators).find((i: SeedIndicator) => i.name === name);
  if (!found) throw new Error(`no seed indicator ${name}`);
  return indicator(found.target, found.progress ?? [], { measure, ...(found.unit ? { unit: found.unit } : {}) });
}

const SNS = seed('SNSによる情報発信件数'); // 190; 48, 52, 51, 44
const 佐潟 = seed('佐潟水鳥・湿地センター来館者数'); // 38,120; 9,870, 10,440, 8,120, 6,930
const 企画 = seed('新規フォロワー獲得のための企画の実施'); // 2企画実施; 0, 1, 0, 0
const 提案事業 = seed('区自治協議会提案事業の実施支援件数'); // 5事業以上の支援 (unit 件); 1, 2, 1, 1
const 運営支援 = seed('地域コミュニティ協議会の運営支援団体数', 'level'); // 運営支援15団体; 15 every quarter

const exactly8: Target = { kind: 'numeric', text: '8', comparator: 'eq', value: 8 };
const exactly0: Target = { kind: 'numeric', text: '0', comparator: 'eq', value: 0 };

/** [state, achievementRate, expectedToDate, actualToDate]; undefined means the field must be absent. */
type Expected = [state: ProgressState, rate?: number, expectedToDate?: number, actualToDate?: number];
type Case = [name: string, indicator: Indicator, quarter: Quarter, expected: Expected];

function expectProgress(progress: QuarterProgress, quarter: Quarter, [state, rate, expectedToDate, actualToDate]: Expected) {
  expect(progress.quarter).toBe(quarter);
  expect(progress.state).toBe(state);
  const figures = { achievementRate: rate, expectedToDate, actualToDate };
  for (const [key, value] of Object.entries(figures)) {
    if (value === undefined) expect(progress).not.toHaveProperty(key);
    else expect(progress[key as keyof typeof figures]).toBeCloseTo(value, 9);
  }
}

const run = (cases: Case[], thresholds?: ProgressThresholds) =>
  it.each<Case>(cases)('%s', (_name, ind, quarter, expected) => {
    expectProgress(quarterProgress(ind, quarter, thresholds), quarter, expected);
  });

// ---------------------------------------------------------------------------------------------

describe('quarterProgress: cumulative counts against the year spread evenly (gte)', () => {
  run([
    ['SNS 190, Q1: 48 against 47.5 → onTrack', SNS, 1, ['onTrack', 48 / 47.5, 47.5, 48]],
    ['SNS 190, Q2: 100 against 95 → onTrack', SNS, 2, ['onTrack', 100 / 95, 95, 100]],
    ['SNS 190, Q3: 151 against 142.5 → onTrack', SNS, 3, ['onTrack', 151 / 142.5, 142.5, 151]],
    ['SNS 190, Q4: 195 against 190 → onTrack', SNS, 4, ['onTrack', 195 / 190, 190, 195]],
    ['佐潟 38,120, Q1: 9,870 against 9,530 → onTrack', 佐潟, 1, ['onTrack', 9870 / 9530, 9530, 9870]],
    ['佐潟 38,120, Q3: 28,430 against 28,590 (0.6 % behind) → onTrack', 佐潟, 3, ['onTrack', 28430 / 28590, 28590, 28430]],
    ['佐潟 38,120, Q4: 35,360 against 38,120 (7.2 % behind) → onTrack', 佐潟, 4, ['onTrack', 35360 / 38120, 38120, 35360]],
    ['2企画実施, Q1: 0 recorded against 0.5 (100 % behind) → offTrack', 企画, 1, ['offTrack', 0, 0.5, 0]],
    ['2企画実施, Q2: 1 against 1 → onTrack', 企画, 2, ['onTrack', 1, 1, 1]],
    ['2企画実施, Q3: 1 against 1.5 (33 % behind) → atRisk', 企画, 3, ['atRisk', 1 / 1.5, 1.5, 1]],
    ['2企画実施, Q4: 1 against 2 (50 % behind) → offTrack', 企画, 4, ['offTrack', 0.5, 2, 1]],
    ['5事業以上 (indicator in 件, values bare), Q1: 1 against 1.25 (20 % behind) → atRisk', 提案事業, 1, ['atRisk', 0.8, 1.25, 1]],
    ['5事業以上, Q2: 3 against 2.5 → onTrack', 提案事業, 2, ['onTrack', 1.2, 2.5, 3]],
    ['5事業以上, Q4: 5 against 5 → onTrack', 提案事業, 4, ['onTrack', 1, 5, 5]],
    ['values in the target unit (48件 against 190件) add up', indicator('190件', ['48件', '52件']), 2, ['onTrack', 100 / 95, 95, 100]],
    ['full-width values (４８, ５２) add up', indicator('190', ['４８', '５２']), 2, ['onTrack', 100 / 95, 95, 100]],
    ['a later quarter does not count towards an earlier one', indicator('400', ['60', '500']), 1, ['offTrack', 0.6, 100, 60]],
  ]);
});

describe('quarterProgress: quarters without an entry in a cumulative sum', () => {
  run([
    [
      'an earlier quarter with no entry counts as 0: 50 + _ + 100 against 300 → offTrack',
      indicator('400', ['50', undefined, '100']),
      3,
      ['offTrack', 0.5, 300, 150],
    ],
    [
      'only the asked quarter entered: _ + _ + 300 against 300 → onTrack',
      indicator('400', [undefined, undefined, '300']),
      3,
      ['onTrack', 1, 300, 300],
    ],
    ['the asked quarter itself has no entry → noData, though earlier ones do', indicator('190', ['48', '52']), 3, ['noData']],
    ['no entry at all → noData', indicator('190', []), 1, ['noData']],
  ]);
});

describe('quarterProgress: threshold boundaries (defaults 15 % / 35 %), both on the atRisk side', () => {
  // 400 a year → 100 expected by Q1, 200 by Q2.
  run([
    ['14 % behind → onTrack', indicator('400', ['86']), 1, ['onTrack', 0.86, 100, 86]],
    ['exactly 15 % behind → atRisk', indicator('400', ['85']), 1, ['atRisk', 0.85, 100, 85]],
    ['exactly 15 % behind over two quarters (90 + 80 of 200) → atRisk', indicator('400', ['90', '80']), 2, ['atRisk', 0.85, 200, 170]],
    ['exactly 35 % behind → atRisk', indicator('400', ['65']), 1, ['atRisk', 0.65, 100, 65]],
    ['36 % behind → offTrack', indicator('400', ['64']), 1, ['offTrack', 0.64, 100, 64]],
    ['exactly on pace → onTrack', indicator('400', ['100']), 1, ['onTrack', 1, 100, 100]],
    // 15.3 / 18 and 11.7 / 18 are 0.85 and 0.65 on paper; in floating point 1 − rate lands a hair inside the other band.
    [
      '1人あたり18時間以上, 15.3時間: 15 % behind on paper, 14.99… in floating point → atRisk',
      level('職員1人あたり18時間以上', ['15.3時間']),
      1,
      ['atRisk', 0.85],
    ],
    [
      '1人あたり18時間以上, 11.7時間: 35 % behind on paper, 35.00…1 in floating point → atRisk',
      level('職員1人あたり18時間以上', ['11.7時間']),
      1,
      ['atRisk', 0.65],
    ],
    ['満足度80%以上, 69% (13.75 % behind) → onTrack', level('満足度80%以上', ['69%']), 1, ['onTrack', 69 / 80]],
    ['満足度80%以上, 68% (exactly 15 % behind) → atRisk', level('満足度80%以上', ['68%']), 1, ['atRisk', 0.85]],
    ['満足度80%以上, 52% (exactly 35 % behind) → atRisk', level('満足度80%以上', ['52%']), 1, ['atRisk', 0.65]],
    ['満足度80%以上, 51% (36.25 % behind) → offTrack', level('満足度80%以上', ['51%']), 1, ['offTrack', 51 / 80]],
  ]);
});

describe('quarterProgress: caps on cumulative counts (lte): under the cap to date is on track', () => {
  run([
    ['事故件数10件以下, Q2: 5 against a cap of 5 to date → onTrack', indicator('事故件数10件以下', ['2', '3']), 2, ['onTrack', 1, 5, 5]],
    ['事故件数10件以下, Q2: 2, well under the cap → onTrack', indicator('事故件数10件以下', ['1', '1']), 2, ['onTrack', 2.5, 5, 2]],
    ['事故件数10件以下, Q2: none at all → onTrack, no rate', indicator('事故件数10件以下', ['0', '0']), 2, ['onTrack', undefined, 5, 0]],
    ['事故件数10件以下, Q2: 7 against 5 (rate 0.71) → atRisk', indicator('事故件数10件以下', ['4', '3']), 2, ['atRisk', 5 / 7, 5, 7]],
    ['事故件数10件以下, Q2: 10 against 5 (rate 0.5) → offTrack', indicator('事故件数10件以下', ['5', '5']), 2, ['offTrack', 0.5, 5, 10]],
    [
      '68件以下, Q4: 79 (rate 0.861, 16 % over the cap) → onTrack',
      indicator('68件以下', ['20', '20', '20', '19']),
      4,
      ['onTrack', 68 / 79, 68, 79],
    ],
    ['68件以下, Q4: 80 (rate exactly 0.85) → atRisk', indicator('68件以下', ['20', '20', '20', '20']), 4, ['atRisk', 0.85, 68, 80]],
    ['52件以下, Q4: 80 (rate exactly 0.65) → atRisk', indicator('52件以下', ['20', '20', '20', '20']), 4, ['atRisk', 0.65, 52, 80]],
    ['52件以下, Q4: 81 (rate 0.642) → offTrack', indicator('52件以下', ['20', '20', '20', '21']), 4, ['offTrack', 52 / 81, 52, 81]],
    ['0件以下, Q1: 0 → onTrack', indicator('0件以下', ['0']), 1, ['onTrack', undefined, 0, 0]],
    ['0件以下, Q1: 1 → offTrack', indicator('0件以下', ['1']), 1, ['offTrack', 0, 0, 1]],
  ]);
});

describe('quarterProgress: levels compare the quarter’s own value with the target', () => {
  run([
    ['満足度90%以上, 85% → rate 0.944 → onTrack', level('満足度90%以上', ['85%']), 1, ['onTrack', 85 / 90]],
    ['満足度90%以上, 92% → onTrack', level('満足度90%以上', ['92%']), 1, ['onTrack', 92 / 90]],
    ['満足度90%以上, 60% → rate 0.667, 33 % behind → atRisk', level('満足度90%以上', ['60%']), 1, ['atRisk', 60 / 90]],
    ['満足度90%以上, 55% → rate 0.611 → offTrack', level('満足度90%以上', ['55%']), 1, ['offTrack', 55 / 90]],
    [
      'only the quarter’s own value: 30% then 85% → Q2 onTrack (not summed)',
      level('満足度90%以上', ['30%', '85%']),
      2,
      ['onTrack', 85 / 90],
    ],
    ['seed 運営支援15団体, 15 → onTrack', 運営支援, 3, ['onTrack', 1]],
    ['待ち時間10分以下, 8分 → rate 1.25 → onTrack', level('待ち時間10分以下', ['8分']), 1, ['onTrack', 1.25]],
    ['待ち時間10分以下, 12分 → rate 0.833 → atRisk', level('待ち時間10分以下', ['12分']), 1, ['atRisk', 10 / 12]],
    ['待ち時間10分以下, 16分 → rate 0.625 → offTrack', level('待ち時間10分以下', ['16分']), 1, ['offTrack', 10 / 16]],
    ['職員1人あたり1回以上, 1.5回 → onTrack', level('職員1人あたり1回以上', ['1.5回']), 1, ['onTrack', 1.5]],
    ['職員1人あたり1回以上, 0.5回 → offTrack', level('職員1人あたり1回以上', ['0.5回']), 1, ['offTrack', 0.5]],
  ]);
});

describe('quarterProgress: exact amounts (eq) count a deviation either way', () => {
  run([
    ['level eq 8, 8 → onTrack', level(exactly8, ['8']), 1, ['onTrack', 1]],
    ['level eq 8, 6 (25 % under) → atRisk', level(exactly8, ['6']), 1, ['atRisk', 0.75]],
    ['level eq 8, 10 (25 % over) → atRisk', level(exactly8, ['10']), 1, ['atRisk', 1.25]],
    ['level eq 8, 11 (37.5 % over) → offTrack', level(exactly8, ['11']), 1, ['offTrack', 11 / 8]],
    ['cumulative eq 8, Q2: 4 against 4 → onTrack', indicator(exactly8, ['2', '2']), 2, ['onTrack', 1, 4, 4]],
    [
      'cumulative eq 8, Q2: 6 against 4 (50 % ahead of an exact amount) → offTrack',
      indicator(exactly8, ['4', '2']),
      2,
      ['offTrack', 1.5, 4, 6],
    ],
    ['level eq 0, 0 → onTrack at rate 1 (as assess has it)', level(exactly0, ['0']), 1, ['onTrack', 1]],
    ['level eq 0, 2 → offTrack, no rate (nothing to divide by)', level(exactly0, ['2']), 1, ['offTrack']],
    ['cumulative gte 0, Q1: 3 against 0 → onTrack, no rate', indicator('0', ['3']), 1, ['onTrack', undefined, 0, 3]],
  ]);
});

describe('quarterProgress: shares are levels whatever the measure', () => {
  run([
    ['4以上を80%, 82% → onTrack', level('4以上を80%', ['82%']), 1, ['onTrack', 82 / 80]],
    ['4以上を80%, 68% (exactly 15 % behind) → atRisk', level('4以上を80%', ['68%']), 1, ['atRisk', 0.85]],
    ['4以上を80%, 50% → offTrack', level('4以上を80%', ['50%']), 1, ['offTrack', 50 / 80]],
    [
      '4以上を80% on a cumulative indicator, 70% then 82%: Q2 reads 82% alone → onTrack',
      indicator('4以上を80%', ['70%', '82%']),
      2,
      ['onTrack', 82 / 80],
    ],
    ['4以上を80%, a mean score 4.2 → noData', level('4以上を80%', ['4.2']), 1, ['noData']],
  ]);
});

describe('quarterProgress: directions (増加 / 減少) against the latest baseline, met or not', () => {
  const baselines = [
    [2018, '6,500人'],
    [2019, '6,635人'],
    [2017, '-'],
  ] as const;
  run([
    ['level 増加 from 6,635人, 7,010人 → onTrack', level('増加', ['7,010人'], { baselines }), 1, ['onTrack', 7010 / 6635]],
    [
      'level 増加, 6,600人: above 2018 but below the latest (2019) → offTrack',
      level('増加', ['6,600人'], { baselines }),
      1,
      ['offTrack', 6600 / 6635],
    ],
    ['level 増加, unchanged 6,635人 → offTrack', level('増加', ['6,635人'], { baselines }), 1, ['offTrack', 1]],
    ['level 減少 from 100, 90 → onTrack', level('減少', [undefined, '90'], { baselines: [[2019, '100']] }), 2, ['onTrack', 100 / 90]],
    ['level 増加 with only a text baseline → noData', level('増加', ['7,010'], { baselines: [[2019, '-']] }), 1, ['noData']],
    ['level 増加 without a baseline → noData', level('増加', ['7,010']), 1, ['noData']],
    ['level 増加, a value in another unit (7,010件 against 人) → noData', level('増加', ['7,010件'], { baselines }), 1, ['noData']],
    [
      'cumulative 増加 from 91回, Q1: 25 against last year’s pace 22.75 → onTrack',
      indicator('増加', ['25回', '20回'], { baselines: [[2019, '91回']] }),
      1,
      ['onTrack', 25 / 22.75, 22.75, 25],
    ],
    [
      'cumulative 増加 from 91回, Q2: 45 against 45.5 → offTrack',
      indicator('増加', ['25回', '20回'], { baselines: [[2019, '91回']] }),
      2,
      ['offTrack', 45 / 45.5, 45.5, 45],
    ],
    [
      'cumulative 増加, values in another unit (人 against 回) → noData',
      indicator('増加', ['25人'], { baselines: [[2019, '91回']] }),
      1,
      ['noData'],
    ],
    [
      'cumulative 増加, an earlier value without a number → noData',
      indicator('増加', ['集計中', '20回'], { baselines: [[2019, '91回']] }),
      2,
      ['noData'],
    ],
  ]);
});

describe('quarterProgress: milestones, coverage and free text, as assess judges the value', () => {
  run([
    ['実施, Q2 実施済 → onTrack', indicator('実施', [undefined, '実施済']), 2, ['onTrack']],
    ['実施, Q2 未実施 → noData (not yet is not late)', indicator('実施', [undefined, '未実施']), 2, ['noData']],
    ['実施, Q4 未実施 → offTrack (the year is over)', indicator('実施', [undefined, undefined, undefined, '未実施']), 4, ['offTrack']],
    ['実施, Q4 検討中 → noData (a person judges)', indicator('実施', [undefined, undefined, undefined, '検討中']), 4, ['noData']],
    ['対象者の全て, Q4 100% → onTrack', indicator('対象者の全て', [undefined, undefined, undefined, '100%']), 4, ['onTrack', 1]],
    ['対象者の全て, Q2 60% → noData (may be on schedule)', indicator('対象者の全て', [undefined, '60%']), 2, ['noData']],
    ['対象者の全て, Q4 95% → offTrack', indicator('対象者の全て', [undefined, undefined, undefined, '95%']), 4, ['offTrack', 0.95]],
    [
      '対象全世帯への訪問, Q4 1,234世帯 → noData (a count needs the group’s size)',
      indicator('対象全世帯への訪問', [undefined, undefined, undefined, '1,234世帯']),
      4,
      ['noData'],
    ],
    ['freeText, Q4 実施済 → noData', indicator('地域との連携を深める', [undefined, undefined, undefined, '実施済']), 4, ['noData']],
  ]);
});

describe('quarterProgress: noData', () => {
  run([
    ['no target, values recorded', indicator(undefined, ['48', '52']), 2, ['noData']],
    ['cumulative, the asked quarter is text only (集計中)', indicator('190', ['48', '集計中']), 2, ['noData']],
    ['cumulative, an earlier quarter is text only: the total cannot be known', indicator('190', ['集計中', '52']), 2, ['noData']],
    ['cumulative, a value in another unit than the target (190件, 52回)', indicator('190件', ['48件', '52回']), 2, ['noData']],
    ['cumulative, every value in another unit than the target (190件, 48人 + 52人)', indicator('190件', ['48人', '52人']), 2, ['noData']],
    ['cumulative, values in two units though the target has none (48件, 52回)', indicator('190', ['48件', '52回']), 2, ['noData']],
    ['level, 12.00% against 12人', level('12.00%', ['12人']), 1, ['noData']],
    ['level, the asked quarter has no entry (Q1 has one)', level('満足度90%以上', ['85%']), 2, ['noData']],
    ['level, a value without a number (-)', level('満足度90%以上', ['-']), 1, ['noData']],
  ]);

  it('is the quarter and the state alone, without figures', () => {
    expect(quarterProgress(indicator('190', ['48', '集計中']), 2)).toEqual({ quarter: 2, state: 'noData' });
    expect(quarterProgress(indicator('190', ['48']), 3)).toEqual({ quarter: 3, state: 'noData' });
  });
});

describe('quarterProgress: thresholds', () => {
  it('defaults to 15 % / 35 %', () => {
    expect(DEFAULT_PROGRESS_THRESHOLDS).toEqual({ atRisk: 0.15, offTrack: 0.35 });
  });

  it('uses the defaults when none are given', () => {
    for (const q of [1, 2, 3, 4] as const) {
      expect(quarterProgress(企画, q)).toEqual(quarterProgress(企画, q, { atRisk: 0.15, offTrack: 0.35 }));
    }
  });

  describe('custom: 5 % / 20 %', () => {
    run(
      [
        ['佐潟 Q4, 7.2 % behind → atRisk', 佐潟, 4, ['atRisk', 35360 / 38120, 38120, 35360]],
        ['佐潟 Q3, 0.6 % behind → onTrack', 佐潟, 3, ['onTrack', 28430 / 28590, 28590, 28430]],
        ['5事業以上 Q1, exactly 20 % behind → atRisk', 提案事業, 1, ['atRisk', 0.8, 1.25, 1]],
        ['満足度90%以上, 85% (5.6 % behind) → atRisk', level('満足度90%以上', ['85%']), 1, ['atRisk', 85 / 90]],
        ['満足度90%以上, 70% (22 % behind) → offTrack', level('満足度90%以上', ['70%']), 1, ['offTrack', 70 / 90]],
      ],
      { atRisk: 0.05, offTrack: 0.2 },
    );
  });

  describe('custom: 0 / 50 %: any shortfall is at risk, being on pace is not', () => {
    run(
      [
        ['佐潟 Q3, 0.6 % behind → atRisk', 佐潟, 3, ['atRisk', 28430 / 28590, 28590, 28430]],
        ['exactly on pace → onTrack', indicator('400', ['100']), 1, ['onTrack', 1, 100, 100]],
        ['ahead → onTrack', SNS, 1, ['onTrack', 48 / 47.5, 47.5, 48]],
        // 0.1 + 0.7 is 0.7999999999999999 in floating point: on pace on paper, a hair behind in the machine.
        ['0.1 + 0.7 against 0.8 → onTrack', indicator('1.6', ['0.1', '0.7']), 2, ['onTrack', 1, 0.8, 0.8]],
      ],
      { atRisk: 0, offTrack: 0.5 },
    );
  });

  describe('custom: 30 % / 100 %: nothing done is exactly 100 % behind, still atRisk', () => {
    run([['2企画実施 Q1, 0 of 0.5 → atRisk', 企画, 1, ['atRisk', 0, 0.5, 0]]], { atRisk: 0.3, offTrack: 1 });
  });

  it.each<[string, ProgressThresholds]>([
    ['atRisk above offTrack', { atRisk: 0.4, offTrack: 0.3 }],
    ['offTrack above 1', { atRisk: 0.15, offTrack: 1.5 }],
    ['NaN', { atRisk: Number.NaN, offTrack: 0.35 }],
  ])('refuses invalid thresholds (%s) with a RangeError everywhere', (_name, thresholds) => {
    expect(() => quarterProgress(SNS, 1, thresholds)).toThrow(RangeError);
    expect(() => indicatorProgress(indicator('190', []), thresholds)).toThrow(RangeError);
  });

  it('refuses a quarter outside 1–4', () => {
    expect(() => quarterProgress(SNS, 5 as Quarter)).toThrow(RangeError);
    expect(() => quarterProgress(SNS, 0 as Quarter)).toThrow(RangeError);
  });
});

describe('indicatorProgress', () => {
  it('gives every quarter with a value, and the latest', () => {
    const { quarters, latest } = indicatorProgress(企画);
    expect(quarters.map((p) => [p.quarter, p.state])).toEqual([
      [1, 'offTrack'],
      [2, 'onTrack'],
      [3, 'atRisk'],
      [4, 'offTrack'],
    ]);
    expect(latest).toEqual(quarterProgress(企画, 4));
  });

  it('skips quarters with no entry; the latest is the last quarter with one', () => {
    const ind = indicator('400', ['90', undefined, '150']);
    const { quarters, latest } = indicatorProgress(ind);
    expect(quarters).toEqual([quarterProgress(ind, 1), quarterProgress(ind, 3)]);
    expect(latest?.quarter).toBe(3);
    expect(latest).toMatchObject({ state: 'atRisk', expectedToDate: 300, actualToDate: 240 });
  });

  it('keeps a quarter whose value cannot be judged, as noData', () => {
    const { quarters, latest } = indicatorProgress(indicator('実施', ['検討中', '実施済']));
    expect(quarters.map((p) => p.state)).toEqual(['noData', 'onTrack']);
    expect(latest?.state).toBe('onTrack');
  });

  it('has no quarters and no latest when nothing is recorded', () => {
    const progress = indicatorProgress(indicator('190', []));
    expect(progress).toEqual({ quarters: [] });
    expect(progress).not.toHaveProperty('latest');
  });

  it('passes the thresholds on', () => {
    expect(indicatorProgress(佐潟, { atRisk: 0.05, offTrack: 0.2 }).latest?.state).toBe('atRisk');
    expect(indicatorProgress(佐潟).latest?.state).toBe('onTrack');
  });
});

describe('validateThresholds', () => {
  it.each<[string, ProgressThresholds]>([
    ['the defaults', DEFAULT_PROGRESS_THRESHOLDS],
    ['the widest: 0 and 1', { atRisk: 0, offTrack: 1 }],
    ['close together', { atRisk: 0.2, offTrack: 0.2000001 }],
  ])('accepts %s', (_name, thresholds) => {
    expect(validateThresholds(thresholds)).toBeUndefined();
  });

  it.each<[string, ProgressThresholds, RegExp]>([
    ['atRisk below 0', { atRisk: -0.01, offTrack: 0.35 }, /atRisk must be at least 0/],
    ['offTrack above 1', { atRisk: 0.15, offTrack: 1.01 }, /offTrack must be at most 1/],
    ['equal', { atRisk: 0.35, offTrack: 0.35 }, /atRisk must be below offTrack/],
    ['reversed', { atRisk: 0.4, offTrack: 0.3 }, /atRisk must be below offTrack/],
    ['atRisk NaN', { atRisk: Number.NaN, offTrack: 0.35 }, /atRisk must be a finite number/],
    ['offTrack infinite', { atRisk: 0.15, offTrack: Number.POSITIVE_INFINITY }, /offTrack must be a finite number/],
  ])('gives a reason for %s', (_name, thresholds, reason) => {
    expect(validateThresholds(thresholds)).toMatch(reason);
  });
});
