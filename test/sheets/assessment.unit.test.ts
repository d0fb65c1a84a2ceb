import {
  assess,
  DEFAULT_RATING_PROFILE,
  suggestRating,
  type Assessment,
  type IndicatorStatus,
  type RatingProfile,
} from '@shinchoku/sheets/domain/assessment';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import { parseTarget, type Target } from '@shinchoku/sheets/domain/target';

type Case = [
  name: string,
  target: string | Target,
  actual: string | undefined,
  baseline: string | undefined,
  status: IndicatorStatus,
  rate: number | undefined,
];

const equalTo8: Target = { kind: 'numeric', text: '8', comparator: 'eq', value: 8 };

describe('assess', () => {
  it.each<Case>([
    // numeric, gte: actual / target
    ['西区 地域課 SNS 190, 205 → met', '190', '205', undefined, 'met', 205 / 190],
    ['西区 地域課 SNS 190, 150 → notMet', '190', '150', undefined, 'notMet', 150 / 190],
    ['full-width result ２０５ against 190', '190', '２０５', undefined, 'met', 205 / 190],
    ['530団体以上, exactly 530団体 → met', '530団体以上', '530団体', undefined, 'met', 1],
    ['満足度90%以上, 85% → notMet', '満足度90%以上', '85%', undefined, 'notMet', 85 / 90],
    ['満足度90%以上, 92% → met', '満足度90%以上', '92%', undefined, 'met', 92 / 90],
    ['14.0日, 14.5日 → met', '14.0日', '14.5日', undefined, 'met', 14.5 / 14],
    ['35自治会等で実施, 40自治会等で実施 → met', '35自治会等で実施', '40自治会等で実施', undefined, 'met', 40 / 35],
    [
      '区独自研修 5回 (…), 4回 → notMet',
      '区独自研修 5回 (異動、メン タル、救命、 サービス向 上研修を予 定)',
      '4回',
      undefined,
      'notMet',
      0.8,
    ],
    ['a result that is only text → undetermined', '530団体以上', '実施済', undefined, 'undetermined', undefined],
    ['no result yet → undetermined', '530団体以上', undefined, undefined, 'undetermined', undefined],
    ['a different unit (12人 for 12.00%) → undetermined', '12.00%', '12人', undefined, 'undetermined', undefined],
    // numeric, lte: target / actual, so above 1 is better
    ['10日以下, 8日 → met', '10日以下', '8日', undefined, 'met', 10 / 8],
    ['10日以下, 12日 → notMet', '10日以下', '12日', undefined, 'notMet', 10 / 12],
    ['10日以下, 0日 → met without a rate', '10日以下', '0日', undefined, 'met', undefined],
    // numeric, eq
    ['eq 8, 8 → met', equalTo8, '8', undefined, 'met', 1],
    ['eq 8, 7 → notMet', equalTo8, '7', undefined, 'notMet', 7 / 8],
    ['eq 8, 9 → notMet', equalTo8, '9', undefined, 'notMet', 9 / 8],
    // perCapita
    ['職員1人あたり1回以上, 1.5回 → met', '職員1人あたり1回以上', '1.5回', undefined, 'met', 1.5],
    ['職員1人あたり1回以上, 0.5回 → notMet', '職員1人あたり1回以上', '0.5回', undefined, 'notMet', 0.5],
    // share: actual share ÷ required share
    ['4以上を80%, 82% → met', '4以上を80%', '82%', undefined, 'met', 82 / 80],
    ['4以上を80%, 75% → notMet', '4以上を80%', '75%', undefined, 'notMet', 75 / 80],
    ['4以上を80%, a mean score 4.2 → undetermined', '4以上を80%', '4.2', undefined, 'undetermined', undefined],
    // direction: against the latest prior actual
    ['増加 from 6,635人 to 7,010 → met', '増加', '7,010', '6,635人', 'met', 7010 / 6635],
    ['増加 from 6,635人 to 6,635人 → notMet', '増加', '6,635人', '6,635人', 'notMet', 1],
    ['増加 without a baseline → undetermined', '増加', '7,010', undefined, 'undetermined', undefined],
    ['増加 from a text baseline → undetermined', '増加', '7,010', '-', 'undetermined', undefined],
    ['減少 from 100 to 90 → met', '減少', '90', '100', 'met', 100 / 90],
    ['減少 from 100 to 110 → notMet', '減少', '110', '100', 'notMet', 100 / 110],
    // milestone: what the result says
    ['実施, 実施済 → met', '実施', '実施済', undefined, 'met', undefined],
    ['実施, 実施済み → met', '実施', '実施済み', undefined, 'met', undefined],
    ['実施方法の検討, 完了 → met', '実施方法の検討', '完了', undefined, 'met', undefined],
    ['有識者会議の立ち上げ、検討, 達成 → met', '有識者会議の立ち上げ、検討', '達成', undefined, 'met', undefined],
    ['実施, 済 → met', '実施', '済', undefined, 'met', undefined],
    ['実施, 未実施 → notMet', '実施', '未実施', undefined, 'notMet', undefined],
    ['実施, 未完了 → notMet', '実施', '未完了', undefined, 'notMet', undefined],
    ['実施, 中止 → notMet', '実施', '中止', undefined, 'notMet', undefined],
    ['実施, 検討中 → undetermined', '実施', '検討中', undefined, 'undetermined', undefined],
    // coverage: only a percentage can be judged
    ['対象者の全て, 100% → met', '対象者の全て', '100%', undefined, 'met', 1],
    ['対象者の全て, 95% → notMet', '対象者の全て', '95%', undefined, 'notMet', 0.95],
    ['対象全世帯への訪問, 1,234世帯 → undetermined', '対象全世帯への訪問', '1,234世帯', undefined, 'undetermined', undefined],
    // freeText: always a person's call
    ['freeText, 実施済 → undetermined', '地域との連携を深める', '実施済', undefined, 'undetermined', undefined],
    ['freeText, 100 → undetermined', '地域との連携を深める', '100', undefined, 'undetermined', undefined],
  ])('%s', (_name, target, actual, baseline, status, rate) => {
    const result = assess(
      typeof target === 'string' ? parseTarget(target) : target,
      actual === undefined ? undefined : parseMeasurement(actual),
      baseline === undefined ? undefined : parseMeasurement(baseline),
    );
    expect(result.status).toBe(status);
    if (rate === undefined) expect(result).not.toHaveProperty('achievementRate');
    else expect(result.achievementRate).toBeCloseTo(rate, 9);
  });
});

const met = (achievementRate?: number): Assessment =>
  achievementRate === undefined ? { status: 'met' } : { status: 'met', achievementRate };
const notMet = (achievementRate?: number): Assessment =>
  achievementRate === undefined ? { status: 'notMet' } : { status: 'notMet', achievementRate };
const undetermined: Assessment = { status: 'undetermined' };

describe('suggestRating, all indicators met (the default)', () => {
  it('is the default profile', () => {
    expect(DEFAULT_RATING_PROFILE).toEqual({ kind: 'allIndicatorsMet' });
  });

  it.each<[string, Assessment[], string | null]>([
    ['all met → ○', [met(1.08), met()], '○'],
    ['a single met → ○', [met()], '○'],
    ['none met → ×', [notMet(0.9), notMet()], '×'],
    ['some met → △', [met(1.2), notMet(0.5), met()], '△'],
    ['any undetermined → null', [met(1.2), undetermined], null],
    ['only undetermined → null', [undetermined], null],
    ['no indicators → null', [], null],
  ])('%s', (_name, assessments, rating) => {
    expect(suggestRating(assessments, DEFAULT_RATING_PROFILE)).toBe(rating);
  });
});

describe('suggestRating, achievement bands on the mean rate', () => {
  const bands: RatingProfile = {
    kind: 'achievementBands',
    bands: [
      { minRate: 1.0, rating: '○' },
      { minRate: 0.8, rating: '△' },
      { minRate: 0, rating: '×' },
    ],
  };

  it.each<[string, Assessment[], string | null]>([
    ['exactly 1.0 → ○', [met(1)], '○'],
    ['just under 1.0 → △', [notMet(0.9999)], '△'],
    ['exactly 0.8 → △', [notMet(0.8)], '△'],
    ['just under 0.8 → ×', [notMet(0.7999)], '×'],
    ['0 → ×', [notMet(0)], '×'],
    ['the mean, not each rate: 1.2 and 0.8 → ○', [met(1.2), notMet(0.8)], '○'],
    ['the mean, not each status: 1.5 and 0.3 → △', [met(1.5), notMet(0.3)], '△'],
    // (0.6 + 0.9 + 0.9) / 3 is 0.7999999999999999 in floating point.
    ['a mean that is 0.8 on paper → △', [notMet(0.6), notMet(0.9), notMet(0.9)], '△'],
    ['a met milestone has no rate → null', [met(1.2), met()], null],
    ['any undetermined → null', [met(1.2), undetermined], null],
    ['no indicators → null', [], null],
  ])('%s', (_name, assessments, rating) => {
    expect(suggestRating(assessments, bands)).toBe(rating);
  });

  it('does not depend on the order the bands are listed in', () => {
    const reversed: RatingProfile = {
      kind: 'achievementBands',
      bands: [
        { minRate: 0, rating: '×' },
        { minRate: 0.8, rating: '△' },
        { minRate: 1.0, rating: '○' },
      ],
    };
    expect(suggestRating([met(1.1)], reversed)).toBe('○');
    expect(suggestRating([notMet(0.85)], reversed)).toBe('△');
  });

  it('is null below the lowest band', () => {
    const onlyTop: RatingProfile = { kind: 'achievementBands', bands: [{ minRate: 1.0, rating: '○' }] };
    expect(suggestRating([notMet(0.5)], onlyTop)).toBeNull();
  });
});
