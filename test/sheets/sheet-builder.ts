/**
 * Commands for sheets from the seed documents (test/fixtures/seeds/), and a small runner that decides
 * and folds them. Only the deciders' tests use this; it holds data, not assertions.
 */
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Baseline, Sheet } from '@shinchoku/sheets/domain/sheet.types';
import type { PriorityGoal, WardPlanCommand } from '@shinchoku/sheets/domain/ward-plan';

/** Decides each command against the state so far and folds its events; a DomainError fails the test with its code. */
export function run(commands: readonly SheetCommand[], initial?: Sheet): { state: Sheet; events: SheetEvent[] } {
  let state = initial;
  const events: SheetEvent[] = [];
  for (const command of commands) {
    const decision = decide(command, state);
    if (decision instanceof DomainError) {
      throw new Error(`${command.type} was refused: ${decision.code} (${decision.message})`);
    }
    for (const event of decision) state = evolve(state, event);
    events.push(...decision);
  }
  if (!state) throw new Error('no CreateSheet among the commands');
  return { state, events };
}

/** The state after the commands; see run. */
export const stateAfter = (commands: readonly SheetCommand[], initial?: Sheet): Sheet => run(commands, initial).state;

// ---------------------------------------------------------------------------------------------
// 西区 地域課, 令和6年度 (seed 000, first sheet)
// ---------------------------------------------------------------------------------------------

export const 西区地域課 = {
  sheetId: 'nishi-chiiki-2024',
  createdOn: '2024-04-01',
  goals: ['nishi-chiiki-g1', 'nishi-chiiki-g2', 'nishi-chiiki-g3', 'nishi-chiiki-g4', 'nishi-chiiki-g5'] as const,
  /** SNSによる情報発信件数 (190) */
  sns: 'nishi-chiiki-sns',
  /** 新規フォロワー獲得のための企画の実施 (2企画実施) */
  followers: 'nishi-chiiki-followers',
  /** 大学から事業提案を募集 (2) */
  proposals: 'nishi-chiiki-proposals',
  /** スポーツ施設利用者数 (497,000) */
  sports: 'nishi-chiiki-sports',
  /** 佐潟水鳥・湿地センター来館者数 (38,120) */
  sakata: 'nishi-chiiki-sakata',
  /** 区自治協議会提案事業の実施支援件数 (5事業以上の支援) */
  councilProjects: 'nishi-chiiki-council-projects',
  /** 地域コミュニティ協議会の運営支援団体数 (運営支援15団体) */
  communityGroups: 'nishi-chiiki-community-groups',
} as const;

export const 西区地域課Texts = {
  goal1: '西区の魅力を、広く区内外に発信するとともに、区民とその魅力の共有を図ります。',
  goal2: '区民が主役の活力あるまちを推進するため、地域と大学、学生の双方がお互いを受け入れるための土台づくりや連携の支援をします。',
  goal3:
    '文化・スポーツ振興を通じ、区民が生きがいや幸福を追求できるように、全ての区民に持続的に文化やスポーツを楽しむ機会を提供します。 ①安全の確保 ②持続性の確保 ③利便性の向上',
  goal4: 'ラムサール条約湿地「佐潟」の自然環境の保全と賢明な利用、交流・学習・普及啓発を通じて、区民の里潟づくりを推進します。',
  goal5: '地域における自治をさらに推進するため、区自治協議会の活動の活性化を図るとともに、コミュニティ協議会の事業支援を行います。',
} as const;

/**
 * The plan of 西区 地域課 as printed on 2024-04-01 (作成日 R6.4.1): the sheet, 5 goals and 7 indicators with their
 * R6目標. The 取組 cells are kept as printed (one initiative per cell). The "※前年比5%増" after the 佐潟 indicator's
 * unit is a remark, so it is the indicator's notes, not part of its name.
 */
export function seed西区地域課(today: string = 西区地域課.createdOn): SheetCommand[] {
  const [g1, g2, g3, g4, g5] = 西区地域課.goals;
  const t = 西区地域課Texts;
  return [
    {
      type: 'CreateSheet',
      today,
      sheetId: 西区地域課.sheetId,
      fiscalYear: 2024,
      department: '西区',
      unit: '地域課',
      policyIndicators: ['地域団体、民間事業者、学校など多様な主体との協働数'],
      createdOn: 西区地域課.createdOn,
    },
    {
      type: 'AddGoal',
      today,
      goalId: g1,
      no: 1,
      text: t.goal1,
      initiatives: [
        { name: 'SNSを活用した魅力発信', description: '西区の魅力やスポット、イベント等をInstagram、Facebook、Xで発信します。' },
      ],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g2,
      no: 2,
      text: t.goal2,
      planRefs: ['行財3-2-③'],
      initiatives: [{ name: '地域と大学連携事業', description: '大学から事業提案を募集し、地域課題の解決や地域を活性化を図ります。' }],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g3,
      no: 3,
      text: t.goal3,
      initiatives: [
        {
          name: '・西区アートプロジェクト ・西区スポーツスマイルプロジェクト ・スポーツ施設の管理運営 等',
          description:
            '文化やスポーツを気軽に楽しめる機会を提供するとともに、持続的に提供していくための利便性の向上や使用料の適正化などに取り組みます。',
        },
      ],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g4,
      no: 4,
      text: t.goal4,
      initiatives: [
        {
          name: '・佐潟活用プロジェクト ・佐潟水鳥・湿地センターの管理運営 ・佐潟周辺自然保全の整備 等',
          description:
            '佐潟の環境保全活動を通じて、交流・学習・普及啓発活動を展開するとともに、佐潟とその周辺地域の歴史、文化、資源を活用した地域ブランディングに取り組みます。',
        },
      ],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g5,
      no: 5,
      text: t.goal5,
      planRefs: ['行財3-2-①', '行財3-2-②'],
      initiatives: [
        { name: '区自治協議会提案事業', description: '地域課題の解決や地域活性化を図るため、区自治協議会が自ら事業を企画運営します。' },
        {
          name: '地域コミュニティ協議会の運営支援',
          description:
            '地域コミュニティ協議会が活発な活動を展開できるよう、事務的な経費や事務所借上経費の一部を補助するなどの運営支援を行います。',
        },
      ],
    },
    { type: 'DefineIndicator', today, goalId: g1, indicatorId: 西区地域課.sns, name: 'SNSによる情報発信件数', unit: '件', target: '190' },
    {
      type: 'DefineIndicator',
      today,
      goalId: g1,
      indicatorId: 西区地域課.followers,
      name: '新規フォロワー獲得のための企画の実施',
      target: '2企画実施',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g2,
      indicatorId: 西区地域課.proposals,
      name: '大学から事業提案を募集',
      unit: '件',
      target: '2',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g3,
      indicatorId: 西区地域課.sports,
      name: 'スポーツ施設利用者数',
      unit: '人',
      target: '497,000',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g4,
      indicatorId: 西区地域課.sakata,
      name: '佐潟水鳥・湿地センター来館者数',
      unit: '人',
      notes: '※前年比5%増',
      target: '38,120',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g5,
      indicatorId: 西区地域課.councilProjects,
      name: '区自治協議会提案事業の実施支援件数',
      unit: '件',
      target: '5事業以上の支援',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g5,
      indicatorId: 西区地域課.communityGroups,
      name: '地域コミュニティ協議会の運営支援団体数',
      target: '運営支援15団体',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 東区 健康福祉課, 令和2年度 (seed 004, second unit sheet)
// ---------------------------------------------------------------------------------------------

export const 東区健康福祉課 = {
  sheetId: 'higashi-kenko-2020',
  createdOn: '2020-04-01',
  goals: ['higashi-kenko-g1', 'higashi-kenko-g2', 'higashi-kenko-g3', 'higashi-kenko-g4', 'higashi-kenko-g5'] as const,
  indicators: [
    'higashi-kenko-visits',
    'higashi-kenko-home-support',
    'higashi-kenko-support-meetings',
    'higashi-kenko-dental',
    'higashi-kenko-prevention',
    'higashi-kenko-parenting',
    'higashi-kenko-schools',
    'higashi-kenko-improvements',
  ] as const,
} as const;

const H29 = 2017;
const H30 = 2018;
const R1 = 2019;
const VISION = '・区ビジョンまちづくり計画(第3次実施計画)';

/** H29/H30/R1 実績 as printed; a "-" cell (no actual that year) gives no baseline. */
function baselines(h29: number | string, h30: number | string, r1: number | string): Baseline[] {
  return (
    [
      [H29, h29],
      [H30, h30],
      [R1, r1],
    ] as const
  )
    .filter(([, actual]) => actual !== '-')
    .map(([fiscalYear, actual]) => ({ fiscalYear, actual: parseMeasurement(actual) }));
}

/**
 * 東区 健康福祉課 as printed on 2020-04-01: goals 1 and 2 serve the ward's 重点目標 2 and 3; 8 indicators with
 * their H29/H30/R1 実績 (fiscal 2017/2018/2019), R2目標 and 補足・参考指標 (as notes).
 */
export function seed東区健康福祉課(today: string = 東区健康福祉課.createdOn): SheetCommand[] {
  const [g1, g2, g3, g4, g5] = 東区健康福祉課.goals;
  const [visits, homeSupport, meetings, dental, prevention, parenting, schools, improvements] = 東区健康福祉課.indicators;
  return [
    {
      type: 'CreateSheet',
      today,
      sheetId: 東区健康福祉課.sheetId,
      fiscalYear: 2020,
      department: '東区役所',
      unit: '健康福祉課',
      purpose:
        '地域の人々とのふれあいや支え合いのなかで、健康で安心して暮らし続けられるまちづくりを目指し、区民、団体、事業者、区社会福祉協議会など、地域全体と協働で地域福祉の推進に取り組みます。',
      contact: '025-250-2380',
      createdOn: 東区健康福祉課.createdOn,
      approach:
        '超高齢社会が進展しているなか、住み慣れた地域でいつまでも元気で健康に暮らし続けられるよう、高齢者の生活実態把握とニーズ調査、支援に取り組みます。',
    },
    {
      type: 'AddGoal',
      today,
      goalId: g1,
      no: 1,
      priorityGoalNo: 2,
      text: '高齢者が住み慣れた地域で孤立せず地域と関わりをもち、安心して生活できるように支援するとともに「地域包括ケアシステムの構築」に向けて取り組みを推進します。',
      initiatives: [{ name: '高齢者の生活実態把握とニーズ調査の実施' }, { name: '支え合いのしくみづくりの深化' }],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g2,
      no: 2,
      priorityGoalNo: 3,
      text: '地域の健康課題に応じた子どもから高齢者までの健康づくりを推進します。',
      initiatives: [{ name: '東区歯っぴーすまいるプロジェクトの推進' }],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g3,
      no: 3,
      text: '子育ての不安感・孤立感を解消させ、地域で安心して子育てができるようにサポートを強化します。',
      initiatives: [
        {
          name: '「マタニティ期からつながるすくすく子育て応援事業」で取り組む事業を中心とした、「い〜てらす」及び「わいわいひろば」における子育て支援講座の開催',
        },
      ],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g4,
      no: 4,
      text: '児童虐待に対しの確で迅速な対応と虐待を未然に防ぐために、関係機関と連携し虐待が起こる前にも情報共有を行います。',
      initiatives: [{ name: '児童虐待防止にかかわる関係機関との情報の共有化' }],
    },
    {
      type: 'AddGoal',
      today,
      goalId: g5,
      no: 5,
      text: '継続的に業務改善を実施し、効率的・効果的な市民サービスを行います。',
      initiatives: [{ name: '各係、各グループで、業務や窓口等における継続的な業務改善を実施します。' }],
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g1,
      indicatorId: visits,
      name: '東区全域での高齢者世帯への訪問調査の実施',
      baselines: baselines('対象全世帯への訪問', '対象全世帯への訪問', '対象全世帯への訪問'),
      notes: `・訪問対象世帯 75歳以上で介護認定を受けていない、一人暮らしを含む高齢者のみの世帯 ・特色ある区づくり事業 ${VISION}`,
      target: '対象全世帯への訪問',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g1,
      indicatorId: homeSupport,
      name: '住民主体の訪問型生活支援を実施した地域',
      baselines: baselines('-', '-', 2),
      notes: VISION,
      target: '2',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g1,
      indicatorId: meetings,
      name: '東区支え合いのしくみづくり会議情報交換会の開催',
      unit: '回',
      baselines: baselines('-', 3, 4),
      notes: VISION,
      target: '4',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g2,
      indicatorId: dental,
      name: '子ども食堂・認可保育園・認定こども園・幼稚園における歯と食育の健康相談・健康教育の実施',
      unit: '回',
      baselines: baselines('-', '-', '-'),
      notes: '・特色ある区づくり事業 ・新潟市生涯歯科保健計画',
      target: '25',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g2,
      indicatorId: prevention,
      name: 'コミュニティ協議会との協働による健康づくり介護予防講座の実施',
      unit: '回',
      baselines: baselines('-', '-', 6),
      notes: '・特色ある区づくり事業',
      target: '10',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g3,
      indicatorId: parenting,
      name: '主な子育て支援講座の開催',
      unit: '回',
      baselines: baselines(204, 90, 91),
      notes: `・H30からは区として重点的に取り組む事業数に変更(H29までは全ての実施事業数) ・特色のある区づくり事業 ${VISION}`,
      target: '100',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g4,
      indicatorId: schools,
      name: '区内小中学校への訪問',
      unit: '回',
      baselines: baselines('-', '-', 69),
      target: '60',
    },
    {
      type: 'DefineIndicator',
      today,
      goalId: g5,
      indicatorId: improvements,
      name: '改善実践報告の件数',
      unit: '件',
      baselines: baselines('-', '-', 18),
      notes: '・各係、各グループ3件以上の取組',
      target: '15',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 東区, 令和2年度: the ward page of seed 004
// ---------------------------------------------------------------------------------------------

export const 東区重点目標: PriorityGoal[] = [
  { no: 1, text: '地域と連携しながら区民のさらなる防災意識の向上を図ります。' },
  { no: 2, text: '高齢者が安心して生活できるように支援し、「地域包括ケアシステムの構築」に向けて取り組みを推進します。' },
  {
    no: 3,
    text: '地域の健康課題に応じた子どもから高齢者までの健康づくりを推進するとともに、地域で安心して子育てができるようにサポートを強化します。',
  },
  { no: 4, text: '歴史・文化の普及啓発や活用、憩いの空間づくりを通じて、地域を誇りに思う意識の醸成や活性化を進めます。' },
  { no: 5, text: '市内有数の企業が集まる「産業のまち東区」を広くPRするとともに、産業を活用したまちづくりを進めます。' },
];

export function seed東区WardPlan(today = '2020-04-01'): Extract<WardPlanCommand, { type: 'CreateWardPlan' }> {
  return {
    type: 'CreateWardPlan',
    today,
    wardPlanId: 'higashi-2020',
    department: '東区',
    fiscalYear: 2020,
    headName: '石井 哲也',
    purpose:
      '人口減少や少子・超高齢社会への対応を最重要課題と捉え、地域コミュニティ協議会や区自治協議会をはじめ、地元の企業や大学などと連携を深め、協働によるまちづくりを推進します。',
    introduction:
      '東区では、区ビジョンまちづくり計画で掲げた区の将来像の実現を目指して、これまで重点的に進めてきた「安心安全なまちづくり」、「支え合い助け合うまちづくり」、「魅力あふれるまちづくり」に向けた様々な取り組みを引き続き実施していきます。',
    priorityGoals: 東区重点目標,
  };
}
