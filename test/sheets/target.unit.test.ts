import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTarget, type Target } from '@shinchoku/sheets/domain/target';

/** Every target in the two seed sheets, in the order they appear. */
const seedTargets: [string, Target][] = [
  // 西区 令和6年度 (R6目標) — 地域課
  ['190', { kind: 'numeric', text: '190', comparator: 'gte', value: 190 }],
  ['2企画実施', { kind: 'numeric', text: '2企画実施', comparator: 'gte', value: 2, unit: '企画' }],
  ['2', { kind: 'numeric', text: '2', comparator: 'gte', value: 2 }],
  ['497,000', { kind: 'numeric', text: '497,000', comparator: 'gte', value: 497000 }],
  ['38,120', { kind: 'numeric', text: '38,120', comparator: 'gte', value: 38120 }],
  ['5事業以上の支援', { kind: 'numeric', text: '5事業以上の支援', comparator: 'gte', value: 5, unit: '事業' }],
  ['運営支援15団体', { kind: 'numeric', text: '運営支援15団体', comparator: 'gte', value: 15, unit: '団体', label: '運営支援' }],
  // 西区 区民生活課
  ['530団体以上', { kind: 'numeric', text: '530団体以上', comparator: 'gte', value: 530, unit: '団体' }],
  ['満足度90%以上', { kind: 'numeric', text: '満足度90%以上', comparator: 'gte', value: 90, unit: '%', label: '満足度' }],
  ['5回以上', { kind: 'numeric', text: '5回以上', comparator: 'gte', value: 5, unit: '回' }],
  ['4以上を80%', { kind: 'share', text: '4以上を80%', threshold: { comparator: 'gte', value: 4 }, share: 80 }],
  // 西区 健康福祉課
  ['100人', { kind: 'numeric', text: '100人', comparator: 'gte', value: 100, unit: '人' }],
  ['12.00%', { kind: 'numeric', text: '12.00%', comparator: 'gte', value: 12, unit: '%' }],
  ['増加', { kind: 'direction', text: '増加', direction: 'increase' }],
  ['14.0日', { kind: 'numeric', text: '14.0日', comparator: 'gte', value: 14, unit: '日' }],
  // 西区 西地域保健福祉センター
  ['対象者の全て', { kind: 'coverage', text: '対象者の全て', population: '対象者' }],
  ['対象者の全て', { kind: 'coverage', text: '対象者の全て', population: '対象者' }],
  ['14.0日', { kind: 'numeric', text: '14.0日', comparator: 'gte', value: 14, unit: '日' }],
  // 西区 黒埼地域保健福祉センター
  ['12団体以上', { kind: 'numeric', text: '12団体以上', comparator: 'gte', value: 12, unit: '団体' }],
  ['24以上', { kind: 'numeric', text: '24以上', comparator: 'gte', value: 24 }],
  ['14.0日', { kind: 'numeric', text: '14.0日', comparator: 'gte', value: 14, unit: '日' }],
  // 西区 保護課 (総合計画 column before 指標)
  ['30人', { kind: 'numeric', text: '30人', comparator: 'gte', value: 30, unit: '人' }],
  ['124人', { kind: 'numeric', text: '124人', comparator: 'gte', value: 124, unit: '人' }],
  ['88.47%', { kind: 'numeric', text: '88.47%', comparator: 'gte', value: 88.47, unit: '%' }],
  ['職員1人あたり1回以上', { kind: 'perCapita', text: '職員1人あたり1回以上', per: '職員', comparator: 'gte', value: 1, unit: '回' }],
  // 西区 農政商工課 (満足度 targets on continuation rows)
  ['32,000', { kind: 'numeric', text: '32,000', comparator: 'gte', value: 32000 }],
  ['280', { kind: 'numeric', text: '280', comparator: 'gte', value: 280 }],
  ['80', { kind: 'numeric', text: '80', comparator: 'gte', value: 80 }],
  ['180', { kind: 'numeric', text: '180', comparator: 'gte', value: 180 }],
  ['80', { kind: 'numeric', text: '80', comparator: 'gte', value: 80 }],
  ['3', { kind: 'numeric', text: '3', comparator: 'gte', value: 3 }],
  ['3', { kind: 'numeric', text: '3', comparator: 'gte', value: 3 }],
  // 西区 総務課
  ['実施', { kind: 'milestone', text: '実施', milestone: '実施' }],
  ['90%以上', { kind: 'numeric', text: '90%以上', comparator: 'gte', value: 90, unit: '%' }],
  [
    '8 ※西区全小学校に配布完了',
    { kind: 'numeric', text: '8 ※西区全小学校に配布完了', comparator: 'gte', value: 8, note: '西区全小学校に配布完了' },
  ],
  ['実施', { kind: 'milestone', text: '実施', milestone: '実施' }],
  // 西区 西出張所 (総合計画 column before 指標)
  ['2', { kind: 'numeric', text: '2', comparator: 'gte', value: 2 }],
  ['1', { kind: 'numeric', text: '1', comparator: 'gte', value: 1 }],
  ['50回', { kind: 'numeric', text: '50回', comparator: 'gte', value: 50, unit: '回' }],
  // 西区 黒崎出張所
  ['8', { kind: 'numeric', text: '8', comparator: 'gte', value: 8 }],
  ['8', { kind: 'numeric', text: '8', comparator: 'gte', value: 8 }],
  ['3', { kind: 'numeric', text: '3', comparator: 'gte', value: 3 }],
  // 東区 令和2年度 (R2目標) — 総務課
  ['35自治会等で実施', { kind: 'numeric', text: '35自治会等で実施', comparator: 'gte', value: 35, unit: '自治会等' }],
  [
    '区独自研修 5回 (異動、メン タル、救命、 サービス向 上研修を予 定)',
    {
      kind: 'numeric',
      text: '区独自研修 5回 (異動、メン タル、救命、 サービス向 上研修を予 定)',
      comparator: 'gte',
      value: 5,
      unit: '回',
      label: '区独自研修',
      note: '異動、メンタル、救命、サービス向上研修を予定',
    },
  ],
  ['250', { kind: 'numeric', text: '250', comparator: 'gte', value: 250 }],
  // 東区 健康福祉課 (three indicators on continuation rows)
  ['対象全世帯への訪問', { kind: 'coverage', text: '対象全世帯への訪問', population: '対象世帯' }],
  ['2', { kind: 'numeric', text: '2', comparator: 'gte', value: 2 }],
  ['4', { kind: 'numeric', text: '4', comparator: 'gte', value: 4 }],
  ['25', { kind: 'numeric', text: '25', comparator: 'gte', value: 25 }],
  ['10', { kind: 'numeric', text: '10', comparator: 'gte', value: 10 }],
  ['100', { kind: 'numeric', text: '100', comparator: 'gte', value: 100 }],
  ['60', { kind: 'numeric', text: '60', comparator: 'gte', value: 60 }],
  ['15', { kind: 'numeric', text: '15', comparator: 'gte', value: 15 }],
  // 東区 地域課
  ['3', { kind: 'numeric', text: '3', comparator: 'gte', value: 3 }],
  ['有識者会議の立ち上げ、検討', { kind: 'milestone', text: '有識者会議の立ち上げ、検討', milestone: '有識者会議の立ち上げ、検討' }],
  ['6', { kind: 'numeric', text: '6', comparator: 'gte', value: 6 }],
  ['実施方法の検討', { kind: 'milestone', text: '実施方法の検討', milestone: '実施方法の検討' }],
  ['12', { kind: 'numeric', text: '12', comparator: 'gte', value: 12 }],
  ['利用促進方法の検討・実施', { kind: 'milestone', text: '利用促進方法の検討・実施', milestone: '利用促進方法の検討・実施' }],
  ['250', { kind: 'numeric', text: '250', comparator: 'gte', value: 250 }],
];

/** The target column of each indicator table: the rows after its header row, up to the blank line that ends it. */
function targetsInSeed(file: string, header: string, column: number): string[] {
  const targets: string[] = [];
  let inTable = false;
  for (const line of readFileSync(resolve(__dirname, '../fixtures/seeds', file), 'utf8').split('\n')) {
    const cells = line.split('\t');
    if (cells.includes(header)) inTable = true;
    else if (line.trim() === '') inTable = false;
    else if (inTable) targets.push(cells[column] ?? '');
  }
  return targets;
}

describe('parseTarget', () => {
  it('the table below lists every target of both seed sheets, in order', () => {
    const inSeeds = [...targetsInSeed('000_49b4172ac8662452.txt', 'R6目標', 4), ...targetsInSeed('004_228aefcc8638a33f.txt', 'R2目標', 8)];
    expect(seedTargets.map(([text]) => text)).toEqual(inSeeds);
  });

  it.each(seedTargets)('seed target %s', (text, expected) => {
    const parsed = parseTarget(text);
    expect(parsed).toEqual(expected);
    // Targets go into events as JSON: no key may be present but undefined.
    expect(JSON.parse(JSON.stringify(parsed))).toStrictEqual(parsed);
  });

  it.each<[string, Target]>([
    // Full-width digits, commas and spaces as typed on Japanese keyboards.
    ['５３０団体以上', { kind: 'numeric', text: '５３０団体以上', comparator: 'gte', value: 530, unit: '団体' }],
    ['１，２３４人', { kind: 'numeric', text: '１，２３４人', comparator: 'gte', value: 1234, unit: '人' }],
    [' 190 ', { kind: 'numeric', text: ' 190 ', comparator: 'gte', value: 190 }],
    // Upper bounds.
    ['10日以下', { kind: 'numeric', text: '10日以下', comparator: 'lte', value: 10, unit: '日' }],
    [
      '時間外勤務20時間以下',
      { kind: 'numeric', text: '時間外勤務20時間以下', comparator: 'lte', value: 20, unit: '時間', label: '時間外勤務' },
    ],
    ['4点以下を10%', { kind: 'share', text: '4点以下を10%', threshold: { comparator: 'lte', value: 4, unit: '点' }, share: 10 }],
    // The example with the ※ remark in the target cell itself.
    ['38,120 ※前年比5%増', { kind: 'numeric', text: '38,120 ※前年比5%増', comparator: 'gte', value: 38120, note: '前年比5%増' }],
    ['1人あたり2回以上', { kind: 'perCapita', text: '1人あたり2回以上', per: '人', comparator: 'gte', value: 2, unit: '回' }],
    ['減少', { kind: 'direction', text: '減少', direction: 'decrease' }],
    ['対象者全員', { kind: 'coverage', text: '対象者全員', population: '対象者' }],
    ['すべての小学校で実施', { kind: 'coverage', text: 'すべての小学校で実施', population: '小学校' }],
    ['ＰＲ動画の作成', { kind: 'milestone', text: 'ＰＲ動画の作成', milestone: 'PR動画の作成' }],
    // Nothing a rule can read: kept verbatim for a person.
    ['', { kind: 'freeText', text: '' }],
    ['   ', { kind: 'freeText', text: '   ' }],
    ['\u3000', { kind: 'freeText', text: '\u3000' }],
    ['-', { kind: 'freeText', text: '-' }],
    ['※', { kind: 'freeText', text: '※' }],
    // Strict bounds are not approximated.
    ['5件未満', { kind: 'freeText', text: '5件未満' }],
    ['100人超', { kind: 'freeText', text: '100人超' }],
    ['職員1人あたり1回未満', { kind: 'freeText', text: '職員1人あたり1回未満' }],
    // Several numbers: which one is the target is for a person to say (東区 総務課 H29実績, 西出張所 指標).
    ['異動1回 メンタル2回 救命1回', { kind: 'freeText', text: '異動1回 メンタル2回 救命1回' }],
    ['1人5回以上×正職員10名', { kind: 'freeText', text: '1人5回以上×正職員10名' }],
    ['地域との連携を深める', { kind: 'freeText', text: '地域との連携を深める' }],
  ])('edge case %j', (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });
});
