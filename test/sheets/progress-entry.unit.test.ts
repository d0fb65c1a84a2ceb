import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Undated } from '@shinchoku/sheets/application/command-runner';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import { fold } from '@shinchoku/sheets/domain/sheet.evolve';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { viewOf, type IndicatorView } from '@shinchoku/sheets/domain/sheet.view';
import { parseTarget } from '@shinchoku/sheets/domain/target';
import { wardSummary } from '@shinchoku/summaries/summaries';
import { legacyEvents } from './legacy-stream';

// Given events, when a command, then events (or a refusal) — and the view the events fold into.

const ON = '2024-04-01';
const created: SheetEvent[] = [
  {
    type: 'SheetCreated',
    data: {
      sheetId: 's',
      fiscalYear: 2024,
      department: '西区',
      unit: '地域課',
      policyIndicators: [],
      createdOn: ON,
      ratingProfile: { kind: 'allIndicatorsMet' },
      on: ON,
    },
  },
  { type: 'GoalAdded', data: { goalId: 'g', no: 1, text: '西区の魅力を発信します。', planRefs: [], initiatives: [], on: ON } },
];

function given(events: readonly SheetEvent[]): Sheet {
  const state = fold([...created, ...events]);
  if (!state) throw new Error('no state');
  return state;
}

function when(state: Sheet, command: Undated<SheetCommand>): SheetEvent[] | DomainError {
  return decide({ today: ON, ...command }, state);
}

function then(state: Sheet, events: SheetEvent[] | DomainError): IndicatorView[] {
  if (events instanceof DomainError) throw new Error(`refused: ${events.code}`);
  return viewOf(fold(events, state)!).goals.flatMap((g) => g.indicators);
}

const defined = (indicatorId: string, extra: object = {}): SheetEvent => ({
  type: 'IndicatorDefined',
  data: {
    goalId: 'g',
    indicatorId,
    name: 'SNSによる情報発信件数',
    unit: '件',
    measure: 'cumulative',
    progressEntry: 'toDate',
    baselines: [],
    on: ON,
    ...extra,
  },
});
const target = (indicatorId: string, text: string): SheetEvent => ({
  type: 'TargetSet',
  data: { indicatorId, target: parseTarget(text), on: ON },
});
const progress = (indicatorId: string, quarter: 1 | 2 | 3 | 4, value: string, reason?: string): SheetEvent => ({
  type: 'ProgressRecorded',
  data: { indicatorId, quarter, value: parseMeasurement(value), ...(reason !== undefined && { reason }), on: ON },
});
const series = (indicatorId: string, values: string[]) => values.map((v, i) => progress(indicatorId, (i + 1) as 1 | 2 | 3 | 4, v));
const activated: SheetEvent = { type: 'SheetActivated', data: { on: ON } };

describe('DefineIndicator: progressEntry', () => {
  const sheet = given([]);

  it('a count is entered to date (累計) unless it says otherwise', () => {
    expect(
      when(sheet, { type: 'DefineIndicator', goalId: 'g', indicatorId: 'sns', name: 'SNSによる情報発信件数', unit: '件' }),
    ).toStrictEqual([defined('sns')]);
    const quarterly = when(sheet, {
      type: 'DefineIndicator',
      goalId: 'g',
      indicatorId: 'sns',
      name: 'SNSによる情報発信件数',
      unit: '件',
      progressEntry: 'quarter',
    });
    expect(quarterly).toStrictEqual([defined('sns', { progressEntry: 'quarter' })]);
    expect(then(sheet, quarterly)[0]!.progressEntry).toBe('quarter');
  });

  it('a level has none: absent from the event, null in the view', () => {
    const events = when(sheet, {
      type: 'DefineIndicator',
      goalId: 'g',
      indicatorId: 'rate',
      name: '参加者アンケートでの満足度',
      unit: '%',
    });
    expect(events).toStrictEqual([
      {
        type: 'IndicatorDefined',
        data: { goalId: 'g', indicatorId: 'rate', name: '参加者アンケートでの満足度', unit: '%', measure: 'level', baselines: [], on: ON },
      },
    ]);
    expect(then(sheet, events)[0]!.progressEntry).toBeNull();
  });

  it('a level given a progressEntry is refused, naming the field', () => {
    const refused = when(sheet, {
      type: 'DefineIndicator',
      goalId: 'g',
      indicatorId: 'rate',
      name: '満足度',
      unit: '%',
      progressEntry: 'toDate',
    });
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'ProgressEntryOnLevel', path: 'progressEntry' });
  });
});

describe('ReviseIndicator: progressEntry', () => {
  it('a count may change how it is entered', () => {
    const sheet = given([defined('sns')]);
    expect(when(sheet, { type: 'ReviseIndicator', indicatorId: 'sns', changes: { progressEntry: 'quarter' } })).toStrictEqual([
      { type: 'IndicatorRevised', data: { indicatorId: 'sns', changes: { progressEntry: 'quarter' }, on: ON } },
    ]);
    expect(when(sheet, { type: 'ReviseIndicator', indicatorId: 'sns', changes: { progressEntry: 'toDate' } })).toStrictEqual([]);
  });

  it('a level is refused a progressEntry, and a count revised into a level or with one both at once', () => {
    const level = given([defined('rate', { measure: 'level', progressEntry: undefined })]);
    expect(when(level, { type: 'ReviseIndicator', indicatorId: 'rate', changes: { progressEntry: 'toDate' } })).toMatchObject({
      code: 'ProgressEntryOnLevel',
      path: 'progressEntry',
    });
    const count = given([defined('sns')]);
    expect(
      when(count, { type: 'ReviseIndicator', indicatorId: 'sns', changes: { measure: 'level', progressEntry: 'quarter' } }),
    ).toMatchObject({
      code: 'ProgressEntryOnLevel',
    });
  });

  it('a level revised into a count is entered to date; a count revised into a level loses its entry', () => {
    const level = given([
      { type: 'IndicatorDefined', data: { goalId: 'g', indicatorId: 'x', name: '企画の実施', measure: 'level', baselines: [], on: ON } },
    ]);
    const toCount = when(level, { type: 'ReviseIndicator', indicatorId: 'x', changes: { measure: 'cumulative' } });
    expect(toCount).toStrictEqual([
      { type: 'IndicatorRevised', data: { indicatorId: 'x', changes: { progressEntry: 'toDate', measure: 'cumulative' }, on: ON } },
    ]);
    expect(then(level, toCount)[0]!.progressEntry).toBe('toDate');
    const count = given([defined('sns')]);
    const toLevel = when(count, { type: 'ReviseIndicator', indicatorId: 'sns', changes: { measure: 'level' } });
    expect(toLevel).toStrictEqual([{ type: 'IndicatorRevised', data: { indicatorId: 'sns', changes: { measure: 'level' }, on: ON } }]);
    expect(then(count, toLevel)[0]!.progressEntry).toBeNull();
    expect(fold(toLevel as SheetEvent[], count)!.goals[0]!.indicators[0]).not.toHaveProperty('progressEntry');
  });
});

describe('progressState.latest.actualToDate follows the entry', () => {
  it('40, 95, 150, 201 entered to date → 201, on pace with 190 (not 486)', () => {
    const [view] = then(given([defined('sns'), target('sns', '190'), activated, ...series('sns', ['40', '95', '150'])]), [
      progress('sns', 4, '201'),
    ]);
    expect(view!.progressState.latest).toMatchObject({ quarter: 4, state: 'onTrack', actualToDate: 201, expectedToDate: 190 });
    expect(view!.progressState.quarters.map((q) => q.actualToDate)).toStrictEqual([40, 95, 150, 201]);
  });

  it('0, 1, 0, 1 entered by quarter → 2', () => {
    const [view] = then(given([defined('x', { progressEntry: 'quarter' }), target('x', '2'), activated, ...series('x', ['0', '1', '0'])]), [
      progress('x', 4, '1'),
    ]);
    expect(view!.progressState.latest).toMatchObject({ quarter: 4, state: 'onTrack', actualToDate: 2, expectedToDate: 2 });
  });

  it('pace reads the figure to date: 95 by Q2 of 190 is on pace, 60 is off it (60 ÷ 95 is 37 % behind)', () => {
    const sheet = given([defined('sns'), target('sns', '190'), activated, progress('sns', 1, '40')]);
    expect(then(sheet, [progress('sns', 2, '95')])[0]!.progressState.latest).toMatchObject({ state: 'onTrack', achievementRate: 1 });
    expect(then(sheet, [progress('sns', 2, '60')])[0]!.progressState.latest).toMatchObject({ state: 'offTrack', actualToDate: 60 });
  });
});

describe('the summaries read the same figure to date', () => {
  it('60 by Q2 of 190, entered to date, is off track there too; the same quarters entered by quarter (100) are not', () => {
    const atRisk = (entry: 'toDate' | 'quarter') =>
      wardSummary('西区', 2024, undefined, [
        given([defined('sns', { progressEntry: entry }), target('sns', '190'), activated, ...series('sns', ['40', '60'])]),
      ]).indicatorsAtRisk;
    expect(atRisk('toDate')).toMatchObject([{ indicator: 'SNSによる情報発信件数', quarter: 2, state: 'offTrack' }]);
    expect(atRisk('quarter')).toStrictEqual([]);
  });
});

describe('warnings', () => {
  const year = given([defined('sns'), target('sns', '190'), activated, ...series('sns', ['40', '95', '150', '201'])]);

  it('none when the result is the count to date at Q4', () => {
    const recorded = when(year, { type: 'RecordResult', indicatorId: 'sns', value: '201' });
    expect(then(year, recorded)[0]!.warnings).toStrictEqual([]);
  });

  it('a result other than Q4 to date is recorded, and the indicator carries both numbers', () => {
    const recorded = when(year, { type: 'RecordResult', indicatorId: 'sns', value: '486' });
    expect(recorded).toStrictEqual([{ type: 'ResultRecorded', data: { indicatorId: 'sns', value: parseMeasurement('486'), on: ON } }]);
    expect(then(year, recorded)[0]!.warnings).toStrictEqual([
      { code: 'resultDiffersFromToDate', message: '実績（486件）が第4四半期までの累計（201件）と一致しません。', result: 486, toDate: 201 },
    ]);
  });

  it('a figure to date lower than the quarter before is recorded and warned of, unless it says why', () => {
    const sheet = given([defined('sns'), activated, ...series('sns', ['40', '95'])]);
    const lower = when(sheet, { type: 'RecordProgress', indicatorId: 'sns', quarter: 3, value: '90' });
    expect(lower).toStrictEqual([progress('sns', 3, '90')]);
    expect(then(sheet, lower)[0]!.warnings).toStrictEqual([
      {
        code: 'toDateDecreased',
        message: '第3四半期の累計（90件）が第2四半期（95件）より少なくなっています。訂正であれば理由を記入してください。',
        quarter: 3,
        value: 90,
        previousQuarter: 2,
        previous: 95,
      },
    ]);
    const explained = when(sheet, { type: 'RecordProgress', indicatorId: 'sns', quarter: 3, value: '90', reason: '重複計上を除外' });
    expect(explained).toStrictEqual([progress('sns', 3, '90', '重複計上を除外')]);
    expect(then(sheet, explained)[0]!.warnings).toStrictEqual([]);
    const unexplained = given([defined('sns'), activated, ...series('sns', ['40', '95', '90'])]);
    const corrected = when(unexplained, { type: 'RecordProgress', indicatorId: 'sns', quarter: 3, value: '91', reason: '重複計上を除外' });
    expect(then(unexplained, corrected)[0]!.warnings).toStrictEqual([]);
  });

  it('a fall already recorded is explained afterwards by the same value with a reason; elsewhere, or by quarter, that changes nothing', () => {
    const unexplained = given([defined('sns'), activated, ...series('sns', ['40', '95', '90'])]);
    const explained = when(unexplained, { type: 'RecordProgress', indicatorId: 'sns', quarter: 3, value: '90', reason: '重複計上を除外' });
    expect(explained).toStrictEqual([
      {
        type: 'ProgressCorrected',
        data: {
          indicatorId: 'sns',
          quarter: 3,
          value: parseMeasurement('90'),
          previous: { value: parseMeasurement('90') },
          reason: '重複計上を除外',
          on: ON,
        },
      },
    ]);
    const after = fold(explained as SheetEvent[], unexplained)!;
    expect(viewOf(after).goals[0]!.indicators[0]!.warnings).toStrictEqual([]);
    expect(when(after, { type: 'RecordProgress', indicatorId: 'sns', quarter: 3, value: '90', reason: '重複計上を除外' })).toStrictEqual(
      [],
    );
    expect(when(unexplained, { type: 'RecordProgress', indicatorId: 'sns', quarter: 2, value: '95', reason: '再入力' })).toStrictEqual([]);
    const quarterly = given([defined('x', { progressEntry: 'quarter' }), activated, ...series('x', ['10', '5'])]);
    expect(when(quarterly, { type: 'RecordProgress', indicatorId: 'x', quarter: 2, value: '5', reason: '理由' })).toStrictEqual([]);
  });

  it('entered by quarter, a lower quarter is just a quieter quarter', () => {
    const [view] = then(given([defined('x', { progressEntry: 'quarter' }), activated]), series('x', ['10', '5']));
    expect(view!.warnings).toStrictEqual([]);
  });
});

describe('indicators recorded before progressEntry keep their meaning', () => {
  const before = JSON.parse(readFileSync(join(__dirname, '../fixtures/legacy-progress-view.json'), 'utf8'));
  const view = viewOf(fold(legacyEvents)!);

  it('the old stream views exactly as it did, but for the two new fields', () => {
    const withoutNew = JSON.parse(
      JSON.stringify(view, (key, value) => (key === 'progressEntry' || key === 'warnings' ? undefined : value)),
    );
    expect(withoutNew).toStrictEqual(before);
  });

  it('its counts read as summed quarters (quarter), its level has none, and the contradiction it held shows', () => {
    const [sns, rate, events] = view.goals[0]!.indicators;
    expect([sns!.progressEntry, rate!.progressEntry, events!.progressEntry]).toStrictEqual(['quarter', null, 'quarter']);
    expect(sns!.progressState.latest?.actualToDate).toBe(195);
    expect(sns!.warnings).toMatchObject([{ code: 'resultDiffersFromToDate', result: 191, toDate: 195 }]);
    expect(events!.warnings).toStrictEqual([]);
  });
});
