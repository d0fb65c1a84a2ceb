import { readPublishedText } from '@shinchoku/documents';
import { bulletItems, cleanCell, ratingOf, wholeNumber } from '@shinchoku/documents/layout/cells';
import { splitIndicatorName } from '@shinchoku/documents/layout/goal-table';

describe('cells as the extraction leaves them', () => {
  it.each([
    ['<ul style="list-style-type: none"> ・西区クリーン月間 ・海岸一斉清掃 </ul>', '・西区クリーン月間 ・海岸一斉清掃'],
    ['<ul><li>佐潟活用プロジェクト</li><li>・管理運営</li></ul>', '・佐潟活用プロジェクト\n・管理運営'],
    ['<p>超高齢社会が進展…</p><p>子育て支援事業は…</p>', '超高齢社会が進展…\n子育て支援事業は…'],
    ['A &amp; B &lt;C&gt;', 'A & B <C>'],
    ['  特定保健指導の利用   勧奨 ', '特定保健指導の利用 勧奨'],
    ['', ''],
  ])('%j → %j', (raw, clean) => expect(cleanCell(raw)).toBe(clean));

  it.each([
    ['・防災出前講座の開催 ・自主防災組織等の活動支援', ['・防災出前講座の開催', '・自主防災組織等の活動支援']],
    ['・地域団体の協働数(全体・うち区役所が進めた取組数)', ['・地域団体の協働数(全体・うち区役所が進めた取組数)']],
    ['健康寿命(日常生活に制限のない期間の平均)', ['健康寿命(日常生活に制限のない期間の平均)']],
  ])('bullets of %j', (text, items) => expect(bulletItems(text)).toEqual(items));

  it.each([
    ['1', 1],
    ['１２', 12],
    [' 3 ', 3],
    ['二', undefined],
    ['1.5', undefined],
  ])('No. %j → %j', (text, no) => expect(wholeNumber(text)).toBe(no));

  it.each([
    ['○', '○'],
    ['〇', '○'],
    ['△', '△'],
    ['×', '×'],
    ['x', '×'],
    ['◎', undefined],
  ])('評価 %j → %j', (text, rating) => expect(ratingOf(text)).toBe(rating));
});

describe('an indicator as written: name, unit, notes', () => {
  it.each([
    ['SNSによる情報発信件数(件)', { name: 'SNSによる情報発信件数', unit: '件' }],
    ['佐潟水鳥・湿地センター来館者数(人) ※前年比5%増', { name: '佐潟水鳥・湿地センター来館者数', unit: '人', notes: '※前年比5%増' }],
    ['窓口アンケートの平均点(点)【5点満点】', { name: '窓口アンケートの平均点', unit: '点', notes: '【5点満点】' }],
    [
      'Twitter(枝豆)とInstagram(枝豆・いもジェンヌ)のフォロワー数(人)',
      { name: 'Twitter(枝豆)とInstagram(枝豆・いもジェンヌ)のフォロワー数', unit: '人' },
    ],
    ['来館者数（人）', { name: '来館者数', unit: '人' }],
    ['・各種業務研修を受講します(1人5回以上×正職員10名)', { name: '・各種業務研修を受講します(1人5回以上×正職員10名)' }],
    ['ワークショップ開催数 ※女性農業者向け', { name: 'ワークショップ開催数', notes: '※女性農業者向け' }],
    [
      '累計登録者数(人) [参考] R5末 6,635人',
      { name: '累計登録者数', unit: '人', notes: '[参考] R5末 6,635人', baseline: { fiscalYear: 2023, actual: '6,635人' } },
    ],
  ])('%j', (text, expected) => expect(splitIndicatorName(text)).toEqual(expected));
});

describe('a published sheet with full-width numbers, list initiatives and an evaluation', () => {
  const text = [
    '組織目標管理シート',
    '年度\t令和6年度\t(参考) 関連する総合計画における政策指標\t\t作成日\tＲ６．４．１',
    '組織名(部)\t北区\t組織名 (準部・課・機関名)\t地域課\t評価日\t令和7年5月7日',
    '○:達成',
    'No.\t組織目標\t指標\t\t\t主な取組(事業)\t\t評価\t目標達成状況\t今後の方針',
    '\t\t総合計画(実施計画)上の位置づけ\t取組指標\tR6目標\tR6結果\t取組名称(事業名)\t\t\t',
    '１\t北区の魅力を発信します。\t行財3-2-③\t発信件数(件)\t1,200\t１，３５０\t<ul><li>SNS発信</li></ul>\tSNSで発信します。\t○\t目標を上回った\t継続します',
    '\t\t\t満足度(%)\t80%以上\t85%\t\t動画も発信します。\t\t\t',
  ].join('\n');

  it('reads every cell into the draft', () => {
    const [sheet] = readPublishedText(text).sheets;
    expect(sheet).toMatchObject({
      fiscalYear: 2024,
      department: '北区',
      unit: '地域課',
      createdOn: '2024-04-01',
      evaluationDate: '2025-05-07',
      policyIndicators: [],
    });
    expect(sheet!.goals).toEqual([
      expect.objectContaining({
        no: 1,
        planRefs: ['行財3-2-③'],
        initiatives: [{ name: '・SNS発信', description: 'SNSで発信します。\n動画も発信します。' }],
        evaluation: expect.objectContaining({ rating: '○', status: '目標を上回った', policy: '継続します' }),
        indicators: [
          expect.objectContaining({ name: '発信件数', unit: '件', target: '1,200', result: '１，３５０' }),
          expect.objectContaining({ name: '満足度', unit: '%', target: '80%以上', result: '85%' }),
        ],
      }),
    ]);
  });

  it('refuses what does not belong to the layout, naming the line', () => {
    expect(() => readPublishedText(`前書き\n${text}`)).toThrow(/^line 1, cell 1: expected the title/);
    expect(() => readPublishedText(text.replace('組織名(部)\t北区', '組織名(部)\t北区\t余計'))).toThrow(
      /^line 3, cell 3: "余計" is not the value/,
    );
    expect(() => readPublishedText(text.replace('年度\t令和6年度', '年度\t平成40年度'))).toThrow(
      /^line 2, cell 2: "平成40年度" is not a fiscal year/,
    );
    expect(() => readPublishedText('')).toThrow(/no 「組織目標管理シート」/);
  });
});
