import { createHash, randomUUID } from 'node:crypto';
import { DocumentError } from '@shinchoku/documents';
import { sheetStream } from '@shinchoku/sheets';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { decideWardPlan, evolveWardPlan } from '@shinchoku/sheets/domain/ward-plan';
import { EventStore } from '@shinchoku/event-store';
import { SeedSheet, 西区地域課, 東区WardPlan, 東区健康福祉課 } from '../fixtures/seed-sheets';
import { allSheets, eventCount, ImportContext, importer, openImporter, SEED_000, SEED_004, seedFile } from '../support/documents';

let context: ImportContext & { close(): Promise<void> };
beforeAll(async () => {
  context = await openImporter();
});
afterAll(() => context.close());

/** The seed's hand-built commands, decided and folded with the ids the import gave the same things. */
function handBuilt(seed: SeedSheet, imported: Sheet): Sheet {
  const today = seed.createdOn;
  const { goals, ...header } = seed;
  const commands: SheetCommand[] = [{ type: 'CreateSheet', sheetId: imported.sheetId, ...header, today }];
  for (const [g, { indicators, ...goal }] of goals.entries()) {
    const goalId = imported.goals[g]!.goalId;
    commands.push({ type: 'AddGoal', goalId, ...goal, today });
    for (const [i, { progress: _p, result: _r, baselines, ...indicator }] of indicators.entries()) {
      const indicatorId = imported.goals[g]!.indicators[i]!.indicatorId;
      const parsed = baselines?.map((b) => ({ fiscalYear: b.fiscalYear, actual: parseMeasurement(b.actual) }));
      commands.push({ type: 'DefineIndicator', goalId, indicatorId, ...indicator, ...(parsed && { baselines: parsed }), today });
    }
  }
  return commands.reduce<Sheet | undefined>((state, command) => {
    const events = decide(command, state);
    if (!Array.isArray(events)) throw new Error(events.message);
    return events.reduce(evolve, state);
  }, undefined)!;
}

describe('importing the published documents (seeds 000 and 004)', () => {
  it('yields exactly the documented sheets, goals, indicators and 重点目標', async () => {
    const first = await context.importer.import(SEED_000, seedFile(SEED_000), importer);
    expect(first).toMatchObject({ format: 'published-text', sheets: 10, goals: 36, indicators: 42, wardPlans: 0, priorityGoals: 0 });
    // Per sheet: CreateSheet, AddGoal per goal, DefineIndicator (+ TargetSet) per indicator.
    expect(first.events).toBe(10 + 36 + 2 * 42);
    const second = await context.importer.import(SEED_004, seedFile(SEED_004), importer);
    expect(second).toMatchObject({ sheets: 3, goals: 13, indicators: 18, wardPlans: 1, priorityGoals: 5 });
    // + ReviseSheet for the narrative written after each 東区 table.
    expect(second.events).toBe(1 + 3 + 13 + 2 * 18);
    expect(await eventCount(context)).toBe(first.events + second.events);
  });

  it('equals the hand-built 西区 地域課, 東区 健康福祉課 and 東区 ward plan', async () => {
    const sheets = await allSheets(context);
    for (const [key, seed] of [
      ['西区 地域課', 西区地域課],
      ['東区 健康福祉課', 東区健康福祉課],
    ] as const) {
      const imported = sheets.get(key)!;
      expect(imported).toEqual(handBuilt(seed, imported));
    }
    const { plan } = (await context.queries.wardPlans({ department: '東区', fiscalYear: 2020 }))[0]!;
    const events = decideWardPlan({ type: 'CreateWardPlan', wardPlanId: plan.wardPlanId, ...東区WardPlan, today: '2020-04-01' }, undefined);
    expect(plan).toEqual((events as Parameters<typeof evolveWardPlan>[1][]).reduce(evolveWardPlan, undefined));
  });

  it('parses every target and keeps the measure the domain infers', async () => {
    const sheets = await allSheets(context);
    const rows = [...sheets.values()]
      .sort((a, b) => b.fiscalYear - a.fiscalYear || order(a) - order(b))
      .flatMap((s) =>
        s.goals.flatMap((g) => g.indicators.map((i) => [s.unit, g.no, i.name, i.unit, i.target?.text, i.target?.kind, i.measure])),
      );
    expect(rows).toEqual(TARGETS);
  });

  it('keeps every baseline (H29–R1 actuals, 参考 R5末) and every 部区組織目標 link', async () => {
    const sheets = [...(await allSheets(context)).values()];
    const baselines = sheets.flatMap((s) =>
      s.goals.flatMap((g) =>
        g.indicators
          .filter((i) => i.baselines.length > 0)
          .map((i) => [s.unit, i.name, i.baselines.map((b) => `${b.fiscalYear}:${b.actual.text}`).join(' ')]),
      ),
    );
    expect(baselines.sort()).toEqual(BASELINES.sort());
    const links = sheets.flatMap((s) => s.goals.filter((g) => g.priorityGoalNo !== undefined).map((g) => [s.unit, g.no, g.priorityGoalNo]));
    expect(links.sort()).toEqual([
      ['健康福祉課', 1, 2],
      ['健康福祉課', 2, 3],
      ['地域課', 1, 4],
      ['地域課', 2, 5],
      ['総務課', 1, 1],
    ]);
  });

  it('records where the data came from: source import, the file name and its SHA-256', async () => {
    const sheet = (await allSheets(context)).get('西区 地域課')!;
    const events = await new EventStore(context.database.db).readStream(sheetStream(sheet.sheetId));
    const sha256 = createHash('sha256').update(seedFile(SEED_000)).digest('hex');
    for (const event of events) {
      expect(event.metadata).toMatchObject({ source: 'import', actor: importer, document: { name: SEED_000, sha256 } });
    }
    // The plan is dated as the document states it, so 修正日 stays blank.
    expect(sheet.amendedOn).toBeUndefined();
    expect(events.every((e) => (e.data as { on: string }).on === '2024-04-01')).toBe(true);
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await eventCount(context);
    context.clock.set('2026-11-21T10:00:00+09:00');
    for (const name of [SEED_000, SEED_004]) {
      expect(await context.importer.import(name, seedFile(name), { id: 'someone-else', name: '別の人' })).toMatchObject({
        commands: 0,
        events: 0,
      });
    }
    expect(await eventCount(context)).toBe(before);
  });
});

describe('a published sheet with results and a rating of its own', () => {
  const text = [
    '組織目標管理シート',
    '年度\t令和6年度\t作成日\tR6.4.1',
    '組織名(部)\t北区\t組織名 (準部・課・機関名)\t地域課\t評価日\tR7.5.7',
    'No.\t組織目標\t指標\t\t\t主な取組(事業)\t\t評価\t目標達成状況\t今後の方針',
    '\t\t総合計画(実施計画)上の位置づけ\t取組指標\tR6目標\tR6結果\t取組名称(事業名)\t\t\t',
    '1\t北区の魅力を発信します。\t\t発信件数(件)\t1,200\t1,350\tSNS発信\t\t△\t件数は上回ったが反応が少なかった\t内容を見直します',
  ].join('\n');

  it('keeps the published 評価 even where the indicators suggest another, naming the document as the reason', async () => {
    context.clock.set('2025-05-20T10:00:00+09:00');
    expect(await context.importer.import('north.txt', Buffer.from(text), importer)).toMatchObject({ sheets: 1, events: 8 }); // created, goal, indicator + target, activated, result, 評価日, evaluated
    const sheet = (await allSheets(context)).get('北区 地域課')!;
    expect(sheet).toMatchObject({ status: 'active', evaluationDate: '2025-05-07' });
    expect(sheet.goals[0]!.indicators[0]!.result).toEqual({ value: { text: '1,350', value: 1350 } });
    expect(sheet.goals[0]!.evaluation).toEqual({
      rating: '△',
      suggestedRating: '○',
      status: '件数は上回ったが反応が少なかった',
      policy: '内容を見直します',
      reason: '取込元の文書 north.txt のとおり',
      evaluatedOn: '2025-05-20',
    });
  });

  it('leaves the notes recorded since alone: the published layout has no place for them', async () => {
    const sheet = (await allSheets(context)).get('北区 地域課')!;
    const { indicatorId } = sheet.goals[0]!.indicators[0]!;
    await context.sheets.run(
      sheet.sheetId,
      { type: 'RecordResult', indicatorId, value: '1,350', note: '年度末に再集計' },
      { actor: importer, source: 'test' },
    );
    const before = await eventCount(context);
    expect(await context.importer.import('north.txt', Buffer.from(text), importer)).toMatchObject({ events: 0 });
    expect(await eventCount(context)).toBe(before);
    expect((await allSheets(context)).get('北区 地域課')!.goals[0]!.indicators[0]!.result).toEqual({
      value: { text: '1,350', value: 1350 },
      note: '年度末に再集計',
    });
  });
});

describe('a document that cannot be read completely imports nothing', () => {
  let empty: ImportContext & { close(): Promise<void> };
  beforeAll(async () => {
    empty = await openImporter();
  });
  afterAll(() => empty.close());

  const edited = (line: number, edit: (cells: string[]) => void) => {
    const lines = seedFile(SEED_000).toString('utf8').split('\n');
    const cells = lines[line - 1]!.split('\t');
    edit(cells);
    lines[line - 1] = cells.join('\t');
    return Buffer.from(lines.join('\n'));
  };

  it.each([
    ['an impossible 作成日', edited(24, (c) => (c[6] = 'R6.2.30')), /^line 24, cell 7: 作成日 "R6.2.30" is not a date/],
    ['a rating that is not ○ △ ×', edited(14, (c) => (c[8] = '◎')), /^line 14, cell 9 \(評価\): 評価 must be ○, △ or ×/],
    ['a goal number that is not a number', edited(16, (c) => (c[0] = '二')), /^line 16, cell 1 \(No\.\): No\. must be a whole number/],
    [
      'an indicator row without the indicator',
      edited(15, (c) => (c[3] = '')),
      /^line 15, cell 4 \(取組指標\): an indicator needs its name/,
    ],
    ['a target for another year', edited(160, (c) => (c[4] = 'R5目標')), /^line 160, cell 5: R5目標 is for fiscal 2023/],
    // The domain's own rule, found by the dry run before anything is appended: the last sheet's 評価日.
    [
      'an evaluation date outside the window',
      edited(153, (c) => (c[5] = 'R9.1.1')),
      /^line 152, cell 2 \(年度\): the evaluation date must fall between 2024-04-01/,
    ],
  ])('%s', async (_, content, message) => {
    const attempt = empty.importer.import('broken.txt', content, importer);
    await expect(attempt).rejects.toBeInstanceOf(DocumentError);
    await expect(attempt).rejects.toThrow(message);
    expect(await eventCount(empty)).toBe(0);
  });

  it('refuses a unit that already has a sheet this document did not create, naming the line', async () => {
    await empty.sheets.run(
      randomUUID(),
      { type: 'CreateSheet', sheetId: randomUUID(), fiscalYear: 2024, department: '西区', unit: '黒崎出張所' },
      { actor: importer, source: 'test' },
    );
    const before = await eventCount(empty);
    await expect(empty.importer.import(SEED_000, seedFile(SEED_000), importer)).rejects.toThrow(
      /^line 152, cell 2 \(年度\): 西区 黒崎出張所 already has a sheet for 令和6年度/,
    );
    expect(await eventCount(empty)).toBe(before);
  });
});

const UNITS_000 = [
  '地域課',
  '区民生活課',
  '健康福祉課',
  '西地域保健福祉センター',
  '黒埼地域保健福祉センター',
  '保護課',
  '農政商工課',
  '総務課',
  '西出張所',
  '黒崎出張所',
];
const UNITS_004 = ['総務課', '健康福祉課', '地域課'];
const order = (s: Sheet) => (s.fiscalYear === 2024 ? UNITS_000 : UNITS_004).indexOf(s.unit);

/** Every indicator of both seeds in document order: unit, goal No., name, unit, target as written, its kind, measure. */
const TARGETS = [
  ['地域課', 1, 'SNSによる情報発信件数', '件', '190', 'numeric', 'cumulative'],
  ['地域課', 1, '新規フォロワー獲得のための企画の実施', undefined, '2企画実施', 'numeric', 'cumulative'],
  ['地域課', 2, '大学から事業提案を募集', '件', '2', 'numeric', 'cumulative'],
  ['地域課', 3, 'スポーツ施設利用者数', '人', '497,000', 'numeric', 'cumulative'],
  ['地域課', 4, '佐潟水鳥・湿地センター来館者数', '人', '38,120', 'numeric', 'cumulative'],
  ['地域課', 5, '区自治協議会提案事業の実施支援件数', '件', '5事業以上の支援', 'numeric', 'cumulative'],
  ['地域課', 5, '地域コミュニティ協議会の運営支援団体数', undefined, '運営支援15団体', 'numeric', 'cumulative'],
  ['区民生活課', 1, 'ボランティア清掃等の参加団体数', 'のべ数', '530団体以上', 'numeric', 'cumulative'],
  ['区民生活課', 1, '「子どもエコ教室」アンケート満足度', '%', '満足度90%以上', 'numeric', 'level'],
  ['区民生活課', 3, '職員1人あたりの年間研修受講回数', '回', '5回以上', 'numeric', 'cumulative'],
  ['区民生活課', 4, '窓口アンケートの平均点', '点', '4以上を80%', 'share', 'level'],
  ['健康福祉課', 1, '講演会参加者数', '人', '100人', 'numeric', 'cumulative'],
  ['健康福祉課', 1, '健康相談及び健康教室への参加率', '%', '12.00%', 'numeric', 'level'],
  ['健康福祉課', 3, '累計登録者数', '人', '増加', 'direction', 'cumulative'],
  ['健康福祉課', 4, '年次有給休暇の取得日数', '日', '14.0日', 'numeric', 'cumulative'],
  ['西地域保健福祉センター', 1, '利用勧奨電話の実施人数', '人', '対象者の全て', 'coverage', 'cumulative'],
  ['西地域保健福祉センター', 2, '検討事例', '数', '対象者の全て', 'coverage', 'cumulative'],
  ['西地域保健福祉センター', 3, '年次有給休暇の取得日数', '日', '14.0日', 'numeric', 'cumulative'],
  ['黒埼地域保健福祉センター', 1, '健康相談及び健康教育の依頼団体数', undefined, '12団体以上', 'numeric', 'cumulative'],
  ['黒埼地域保健福祉センター', 2, '会議・研修会・交流会等で連携した関係機関施設数', undefined, '24以上', 'numeric', 'cumulative'],
  ['黒埼地域保健福祉センター', 3, '年次有給休暇の取得日数', '日', '14.0日', 'numeric', 'cumulative'],
  ['保護課', 1, '子ども学習会の参加登録者数', undefined, '30人', 'numeric', 'cumulative'],
  ['保護課', 2, '就労支援事業利用者数', undefined, '124人', 'numeric', 'cumulative'],
  ['保護課', 3, '訪問計画に基づいた訪問実施回数の割合', undefined, '88.47%', 'numeric', 'level'],
  ['保護課', 4, '他法他政策等、実施される研修への参加回数', undefined, '職員1人あたり1回以上', 'perCapita', 'cumulative'],
  ['農政商工課', 1, 'Twitter(枝豆)とInstagram(枝豆・いもジェンヌ)のフォロワー数', '人', '32,000', 'numeric', 'cumulative'],
  ['農政商工課', 2, '親子収穫体験の参加組数', '組', '280', 'numeric', 'cumulative'],
  ['農政商工課', 2, '参加者アンケートでの満足度', '%', '80', 'numeric', 'level'],
  ['農政商工課', 3, '区主催のまち歩き参加者数', '人', '180', 'numeric', 'cumulative'],
  ['農政商工課', 3, '参加者アンケートでの満足度', '%', '80', 'numeric', 'level'],
  ['農政商工課', 4, 'ワークショップ開催数', undefined, '3', 'numeric', 'cumulative'],
  ['農政商工課', 5, '地域計画策定協議のフォローアップ地域数', undefined, '3', 'numeric', 'cumulative'],
  ['総務課', 1, '被害想定など避難に関する情報の再周知', undefined, '実施', 'milestone', 'cumulative'],
  ['総務課', 2, '研修受講者のアンケートで自身の成長につながったと回答した割合', undefined, '90%以上', 'numeric', 'level'],
  ['総務課', 3, '見守り端末を配布した小学校数', undefined, '8 ※西区全小学校に配布完了', 'numeric', 'cumulative'],
  ['総務課', 4, '音声情報の一斉送信サービス活用による伝達力強化', undefined, '実施', 'milestone', 'cumulative'],
  ['西出張所', 1, '・西区西地区の4つのコミュニティ協議会がまとまるように、意見交換をします', undefined, '2', 'numeric', 'cumulative'],
  ['西出張所', 2, '・窓口アンケートを実施して住民提案を実現します', undefined, '1', 'numeric', 'cumulative'],
  ['西出張所', 3, '・各種業務研修を受講します(1人5回以上×正職員10名)', undefined, '50回', 'numeric', 'cumulative'],
  ['黒崎出張所', 1, 'グループ内研修の実施回数', undefined, '8', 'numeric', 'cumulative'],
  ['黒崎出張所', 2, '伝達研修の実施回数', undefined, '8', 'numeric', 'cumulative'],
  ['黒崎出張所', 3, '改善実施件数', undefined, '3', 'numeric', 'cumulative'],
  ['総務課', 1, '防災出前講座の開催', undefined, '35自治会等で実施', 'numeric', 'cumulative'],
  ['総務課', 2, '異動者研修', undefined, '区独自研修 5回 (異動、メン タル、救命、 サービス向 上研修を予 定)', 'numeric', 'cumulative'],
  ['総務課', 3, '南口エントランスホールの活用日数', '日', '250', 'numeric', 'cumulative'],
  ['健康福祉課', 1, '東区全域での高齢者世帯への訪問調査の実施', undefined, '対象全世帯への訪問', 'coverage', 'cumulative'],
  ['健康福祉課', 1, '住民主体の訪問型生活支援を実施した地域', undefined, '2', 'numeric', 'cumulative'],
  ['健康福祉課', 1, '東区支え合いのしくみづくり会議情報交換会の開催', '回', '4', 'numeric', 'cumulative'],
  [
    '健康福祉課',
    2,
    '子ども食堂・認可保育園・認定こども園・幼稚園における歯と食育の健康相談・健康教育の実施',
    '回',
    '25',
    'numeric',
    'cumulative',
  ],
  ['健康福祉課', 2, 'コミュニティ協議会との協働による健康づくり介護予防講座の実施', '回', '10', 'numeric', 'cumulative'],
  ['健康福祉課', 3, '主な子育て支援講座の開催', '回', '100', 'numeric', 'cumulative'],
  ['健康福祉課', 4, '区内小中学校への訪問', '回', '60', 'numeric', 'cumulative'],
  ['健康福祉課', 5, '・改善実践報告の件数', '件', '15', 'numeric', 'cumulative'],
  ['地域課', 1, '歴史浪漫プロジェクトでのまち歩き', '回数', '3', 'numeric', 'cumulative'],
  ['地域課', 1, '有識者会議による検討', undefined, '有識者会議の立ち上げ、検討', 'milestone', 'cumulative'],
  ['地域課', 2, '東区工場夜景バスツアーの実施', undefined, '6', 'numeric', 'cumulative'],
  ['地域課', 3, '区政懇談会の実施方法を検討', undefined, '実施方法の検討', 'milestone', 'cumulative'],
  ['地域課', 3, 'コミ協等を対象とした訪問指導の実施', '回数', '12', 'numeric', 'cumulative'],
  ['地域課', 4, '区バスの利用促進方法の検討・実施', undefined, '利用促進方法の検討・実施', 'milestone', 'cumulative'],
  ['地域課', 5, 'ぬたりんFacebookへの投稿数', undefined, '250', 'numeric', 'cumulative'],
];

/** Indicators with prior actuals: unit, name, fiscal year:actual as printed. */
const BASELINES = [
  ['健康福祉課', '累計登録者数', '2023:6,635人'],
  ['総務課', '防災出前講座の開催', '2017:31自治会等で実施 2018:40自治会等で実施 2019:49自治会等で実施'],
  [
    '総務課',
    '異動者研修',
    '2017:異動1回 メンタル2回 救命1回 接遇1回 対応困難 ケース研修 1回 2018:異動1回 メンタル2回 救命1回 交通安全研 修1回 2019:異動1回 メンタル1回 救命1回 クレーム対 応研修1回 交通安全研 修1回',
  ],
  ['総務課', '南口エントランスホールの活用日数', '2017:230 2018:295 2019:292'],
  ['健康福祉課', '東区全域での高齢者世帯への訪問調査の実施', '2017:対象全世帯への訪問 2018:対象全世帯への訪問 2019:対象全世帯への訪問'],
  ['健康福祉課', '住民主体の訪問型生活支援を実施した地域', '2019:2'],
  ['健康福祉課', '東区支え合いのしくみづくり会議情報交換会の開催', '2018:3 2019:4'],
  ['健康福祉課', 'コミュニティ協議会との協働による健康づくり介護予防講座の実施', '2019:6'],
  ['健康福祉課', '主な子育て支援講座の開催', '2017:204 2018:90 2019:91'],
  ['健康福祉課', '区内小中学校への訪問', '2019:69'],
  ['健康福祉課', '・改善実践報告の件数', '2019:18'],
  ['地域課', '歴史浪漫プロジェクトでのまち歩き', '2017:1 2018:2 2019:3'],
  ['地域課', '東区工場夜景バスツアーの実施', '2017:2 2018:3 2019:4'],
  ['地域課', 'ぬたりんFacebookへの投稿数', '2017:246 2018:240 2019:252'],
];
