/**
 * A sheet's stream as it was recorded before indicators said how their figures are entered: counts
 * were summed quarter by quarter. Data only; progress-entry.unit.test.ts replays it.
 */
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import { parseTarget } from '@shinchoku/sheets/domain/target';

const on = '2024-04-01';
const progress = (indicatorId: string, quarter: 1 | 2 | 3 | 4, value: string, day: string): SheetEvent => ({
  type: 'ProgressRecorded',
  data: { indicatorId, quarter, value: parseMeasurement(value), on: day },
});

export const legacyEvents: SheetEvent[] = [
  {
    type: 'SheetCreated',
    data: {
      sheetId: 'legacy',
      fiscalYear: 2024,
      department: '西区',
      unit: '地域課',
      policyIndicators: [],
      createdOn: on,
      ratingProfile: { kind: 'allIndicatorsMet' },
      on,
    },
  },
  { type: 'GoalAdded', data: { goalId: 'g1', no: 1, text: '西区の魅力を発信します。', planRefs: [], initiatives: [], on } },
  {
    type: 'IndicatorDefined',
    data: { goalId: 'g1', indicatorId: 'sns', name: 'SNSによる情報発信件数', unit: '件', measure: 'cumulative', baselines: [], on },
  },
  { type: 'TargetSet', data: { indicatorId: 'sns', target: parseTarget('190'), on } },
  {
    type: 'IndicatorDefined',
    data: { goalId: 'g1', indicatorId: 'rate', name: '参加者アンケートでの満足度', unit: '%', measure: 'level', baselines: [], on },
  },
  { type: 'TargetSet', data: { indicatorId: 'rate', target: parseTarget('80'), on } },
  { type: 'IndicatorDefined', data: { goalId: 'g1', indicatorId: 'events', name: '企画の実施', measure: 'level', baselines: [], on } },
  { type: 'IndicatorRevised', data: { indicatorId: 'events', changes: { measure: 'cumulative' }, on: '2024-05-01' } },
  { type: 'TargetSet', data: { indicatorId: 'events', target: parseTarget('2企画実施'), on: '2024-05-01' } },
  { type: 'SheetActivated', data: { on: '2024-07-10' } },
  progress('sns', 1, '48', '2024-07-10'),
  progress('rate', 1, '75', '2024-07-10'),
  progress('events', 1, '0', '2024-07-10'),
  progress('sns', 2, '52', '2024-10-10'),
  progress('events', 2, '1', '2024-10-10'),
  progress('sns', 3, '30', '2025-01-10'),
  {
    type: 'ProgressCorrected',
    data: {
      indicatorId: 'sns',
      quarter: 3,
      value: parseMeasurement('51'),
      previous: { value: parseMeasurement('30') },
      reason: '集計漏れ',
      on: '2025-01-20',
    },
  },
  progress('events', 3, '0', '2025-01-10'),
  progress('sns', 4, '44', '2025-04-10'),
  progress('rate', 4, '82', '2025-04-10'),
  progress('events', 4, '1', '2025-04-10'),
  { type: 'ResultRecorded', data: { indicatorId: 'sns', value: parseMeasurement('191'), on: '2025-04-20' } },
  { type: 'ResultRecorded', data: { indicatorId: 'events', value: parseMeasurement('2'), on: '2025-04-20' } },
];
