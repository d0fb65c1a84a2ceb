/**
 * Figures on one indicator that contradict each other. A warning informs the people filling in the
 * sheet; it never refuses a write (a figure may be right and the other one wrong, and only they know).
 */

import type { Quarter } from '@shinchoku/municipality';
import { toDateAt } from './progress';
import type { Indicator } from './sheet.types';

export type IndicatorWarning =
  | { code: 'resultDiffersFromToDate'; message: string; result: number; toDate: number }
  | { code: 'toDateDecreased'; message: string; quarter: Quarter; value: number; previousQuarter: Quarter; previous: number };

const QUARTERS: readonly Quarter[] = [1, 2, 3, 4];

/** Every contradiction the indicator holds, the year-end one first; none for a level. */
export function warningsOf(indicator: Indicator): IndicatorWarning[] {
  if (indicator.measure !== 'cumulative') return [];
  return [...resultAgainstToDate(indicator), ...(indicator.progressEntry === 'toDate' ? decreases(indicator) : [])];
}

/** The year's result is the count to the end of Q4: when both are known and differ, one of them is wrong. */
function resultAgainstToDate(indicator: Indicator): IndicatorWarning[] {
  const result = indicator.result?.value;
  if (result?.value === undefined || indicator.progress[4] === undefined) return [];
  const toDate = toDateAt(indicator, 4, result.unit);
  if (!toDate || toDate.value === result.value) return [];
  const unit = result.unit ?? toDate.unit ?? indicator.unit ?? '';
  return [
    {
      code: 'resultDiffersFromToDate',
      message: `実績（${result.value}${unit}）が第4四半期までの累計（${toDate.value}${unit}）と一致しません。`,
      result: result.value,
      toDate: toDate.value,
    },
  ];
}

/** A total so far only grows, unless something counted was taken back: that needs its reason. */
function decreases(indicator: Indicator): IndicatorWarning[] {
  const warnings: IndicatorWarning[] = [];
  let before: { quarter: Quarter; value: number; unit?: string } | undefined;
  for (const quarter of QUARTERS) {
    const entry = indicator.progress[quarter];
    if (entry?.value.value === undefined) continue;
    const { value, unit } = entry.value;
    const comparable = before && (before.unit === undefined || unit === undefined || before.unit === unit);
    if (before && comparable && value < before.value && !entry.reason?.trim()) {
      const shown = unit ?? before.unit ?? indicator.unit ?? '';
      warnings.push({
        code: 'toDateDecreased',
        message: `第${quarter}四半期の累計（${value}${shown}）が第${before.quarter}四半期（${before.value}${shown}）より少なくなっています。訂正であれば理由を記入してください。`,
        quarter,
        value,
        previousQuarter: before.quarter,
        previous: before.value,
      });
    }
    before = { quarter, value, ...(unit !== undefined && { unit }) };
  }
  return warnings;
}
