/**
 * Where an indicator stands during the year, quarter by quarter: on track, at risk, off track, or
 * no data to tell. Pure; it reads only the indicator.
 *
 * How far behind is read as `behind = 1 − achievementRate` for every target that has an amount
 * (achievementRate > 1 is always better, the same as `assess`), clamped at 0 when ahead:
 *
 * - numeric / perCapita on a `cumulative` measure: the year's target spread evenly over the quarters.
 *   expected-to-date = target × quarter/4; actual-to-date is the figure to date (`toDateAt`): the
 *   quarter's own figure when the indicator is entered `toDate` (累計), Q1 + … + Q`quarter` when it is
 *   entered `quarter` by quarter. `gte`: actual ÷ expected.
 *   `lte` (a cap, "事故件数10件以下"): expected-to-date is the cap to date and the rate is cap ÷ actual, the
 *   same reading `assess` gives an `lte` result: at or under the cap to date is on track, and over it the
 *   thresholds apply to 1 − cap/actual (68件以下 with 80 by Q4 is exactly 15 % behind).
 * - numeric / perCapita on a `level` measure: the quarter's own value against the target, as `assess` does.
 * - `eq` targets (exact amounts): any deviation counts, above as well as below: behind = |1 − rate|.
 * - share: the quarter's percentage ÷ the required share, whatever the measure (a percentage does not add up).
 * - direction (増加 / 減少) has no amount, so no degree: met → onTrack, not met → offTrack. A level is
 *   compared with the latest baseline that holds a number; a cumulative count's total to date with that
 *   baseline × quarter/4 (last year's pace), since a quarter's count is not comparable to a year's.
 * - milestone / coverage / freeText: what `assess` says of the quarter's value. Met → onTrack. Not met is
 *   offTrack only in Q4, when the year is over; earlier, "未実施" is simply "not yet", and a coverage of
 *   60 % may be on schedule, so it is noData (a person judges). Undetermined → noData.
 *
 * noData: no target; nothing recorded for the quarter asked about (even for a cumulative measure, whose
 * earlier quarters may hold values: an unrecorded quarter is usually one not entered yet, and counting it
 * as 0 would flag every office the day a quarter ends); a value without a number where one is needed,
 * including an earlier quarter of a cumulative sum (the total cannot be known); units that differ
 * ("12人" against "12.00%"; a unit missing on either side is taken as the same, as in `assess`).
 * A quarter with no entry before the one asked about counts as 0 in a cumulative sum.
 */

import { assess, type Assessment } from './assessment';
import type { Quarter } from '@shinchoku/municipality';
import type { Measurement } from './measurement';
import type { Indicator } from './sheet.types';
import type { Comparator, Target } from './target';

export type ProgressState = 'onTrack' | 'atRisk' | 'offTrack' | 'noData';

/**
 * Fractions behind pace: under atRisk → onTrack; atRisk up to offTrack → atRisk; beyond → offTrack.
 * Both boundaries are inclusive on the atRisk side: exactly 15 % behind is atRisk, exactly 35 % behind is
 * atRisk, a hair more is offTrack. Being on or ahead of pace is always onTrack, even with atRisk = 0.
 */
export interface ProgressThresholds {
  atRisk: number;
  offTrack: number;
}

export const DEFAULT_PROGRESS_THRESHOLDS: ProgressThresholds = Object.freeze({ atRisk: 0.15, offTrack: 0.35 });

export interface QuarterProgress {
  quarter: Quarter;
  state: ProgressState;
  /** actual-to-date ÷ expected-to-date (cumulative), or the level's rate against the target; > 1 is ahead. */
  achievementRate?: number;
  expectedToDate?: number;
  actualToDate?: number;
}

const QUARTERS: readonly Quarter[] = [1, 2, 3, 4];

/** Rates are quotients: a shortfall that is exactly on a threshold on paper can land a hair either side of it. */
const EPSILON = 1e-9;

/** Where an indicator stands at the end of `quarter`. */
export function quarterProgress(
  indicator: Indicator,
  quarter: Quarter,
  thresholds: ProgressThresholds = DEFAULT_PROGRESS_THRESHOLDS,
): QuarterProgress {
  requireQuarter(quarter);
  requireThresholds(thresholds);
  const own = indicator.progress[quarter]?.value;
  const target = indicator.target;
  if (!target || !own) return { quarter, state: 'noData' };
  switch (target.kind) {
    case 'numeric':
    case 'perCapita':
      return indicator.measure === 'cumulative'
        ? cumulative(indicator, quarter, target, thresholds)
        : paced(quarter, target.comparator, assess(target, own), thresholds);
    case 'share':
      return paced(quarter, 'gte', assess(target, own), thresholds);
    case 'direction':
      return direction(indicator, quarter, target, own);
    case 'milestone':
    case 'coverage':
    case 'freeText':
      return judged(quarter, assess(target, own));
    default: {
      // A kind this code does not know (say, from a newer event) is left to a person, as in assess.
      const exhaustive: never = target;
      void exhaustive;
      return { quarter, state: 'noData' };
    }
  }
}

/** The indicator at every quarter that has a value, and the latest quarter with one. */
export function indicatorProgress(
  indicator: Indicator,
  thresholds: ProgressThresholds = DEFAULT_PROGRESS_THRESHOLDS,
): { quarters: QuarterProgress[]; latest?: QuarterProgress } {
  requireThresholds(thresholds);
  const quarters = QUARTERS.filter((q) => indicator.progress[q] !== undefined).map((q) => quarterProgress(indicator, q, thresholds));
  const latest = quarters[quarters.length - 1];
  return latest ? { quarters, latest } : { quarters };
}

/** A reason when 0 ≤ atRisk < offTrack ≤ 1 does not hold; undefined when the thresholds are usable. */
export function validateThresholds(t: ProgressThresholds): string | undefined {
  if (!Number.isFinite(t.atRisk)) return `atRisk must be a finite number: ${t.atRisk}`;
  if (!Number.isFinite(t.offTrack)) return `offTrack must be a finite number: ${t.offTrack}`;
  if (t.atRisk < 0) return `atRisk must be at least 0: ${t.atRisk}`;
  if (t.offTrack > 1) return `offTrack must be at most 1: ${t.offTrack}`;
  if (t.atRisk >= t.offTrack) return `atRisk must be below offTrack: ${t.atRisk} is not below ${t.offTrack}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------

type Numeric = Extract<Target, { kind: 'numeric' | 'perCapita' }>;

/** The target spread evenly over the year against the sum of the quarters so far. */
function cumulative(indicator: Indicator, quarter: Quarter, target: Numeric, thresholds: ProgressThresholds): QuarterProgress {
  const toDate = toDateAt(indicator, quarter, target.unit);
  if (!toDate) return { quarter, state: 'noData' };
  const expected = (target.value * quarter) / 4;
  const actual = toDate.value;
  const { comparator } = target;
  const rate = comparator === 'lte' ? ratio(expected, actual) : ratio(actual, expected);
  const met = comparator === 'gte' ? actual >= expected : comparator === 'lte' ? actual <= expected : actual === expected;
  return {
    ...paced(quarter, comparator, withRate(met, rate), thresholds),
    expectedToDate: expected,
    actualToDate: actual,
  };
}

/**
 * A count's total at the end of `quarter`, with its unit: the latest figure recorded up to it when the
 * indicator is entered `toDate`, else Q1 + … + Q`quarter` (quarters with no entry count as 0; a state
 * folded before indicators said how they are entered has none, and was summed). Undefined when a value
 * it needs has no number or the units differ, among the values or from `unit` (the target's).
 */
export function toDateAt(indicator: Indicator, quarter: Quarter, unit: string | undefined): { value: number; unit?: string } | undefined {
  const upTo = QUARTERS.filter((q) => q <= quarter && indicator.progress[q] !== undefined);
  const counted = indicator.progressEntry === 'toDate' ? upTo.slice(-1) : upTo;
  let sum = 0;
  const units = new Set<string>(unit === undefined ? [] : [unit]);
  for (const q of counted) {
    const value = indicator.progress[q]!.value;
    if (value.value === undefined) return undefined;
    if (value.unit !== undefined) units.add(value.unit);
    sum += value.value;
  }
  if (units.size > 1) return undefined;
  const [only] = units;
  return only === undefined ? { value: sum } : { value: sum, unit: only };
}

/** A state from how far behind an assessment's rate is; undetermined (no number, other units) → noData. */
function paced(quarter: Quarter, comparator: Comparator, assessment: Assessment, thresholds: ProgressThresholds): QuarterProgress {
  if (assessment.status === 'undetermined') return { quarter, state: 'noData' };
  const rate = assessment.achievementRate;
  const behind =
    rate === undefined ? (assessment.status === 'met' ? 0 : 1) : comparator === 'eq' ? Math.abs(1 - rate) : Math.max(0, 1 - rate);
  const state = classify(behind, thresholds);
  return rate === undefined ? { quarter, state } : { quarter, state, achievementRate: rate };
}

function classify(behind: number, { atRisk, offTrack }: ProgressThresholds): ProgressState {
  if (behind <= EPSILON || behind < atRisk - EPSILON) return 'onTrack';
  if (behind > offTrack + EPSILON) return 'offTrack';
  return 'atRisk';
}

/** 増加 / 減少 against the latest baseline: met → onTrack, not met → offTrack. */
function direction(indicator: Indicator, quarter: Quarter, target: Target, own: Measurement): QuarterProgress {
  const baseline = latestBaseline(indicator);
  if (indicator.measure === 'level') return binary(quarter, assess(target, own, baseline));
  if (baseline?.value === undefined) return { quarter, state: 'noData' };
  const toDate = toDateAt(indicator, quarter, undefined);
  if (!toDate) return { quarter, state: 'noData' };
  const expected = (baseline.value * quarter) / 4;
  const pace: Measurement = { ...baseline, text: String(expected), value: expected };
  const progress = binary(quarter, assess(target, { text: String(toDate.value), ...toDate }, pace));
  return progress.state === 'noData' ? progress : { ...progress, expectedToDate: expected, actualToDate: toDate.value };
}

function binary(quarter: Quarter, assessment: Assessment): QuarterProgress {
  if (assessment.status === 'undetermined') return { quarter, state: 'noData' };
  return withAchievementRate({ quarter, state: assessment.status === 'met' ? 'onTrack' : 'offTrack' }, assessment);
}

/** Milestones, coverage and free text: met → onTrack; not met → offTrack once the year is over (Q4); else noData. */
function judged(quarter: Quarter, assessment: Assessment): QuarterProgress {
  if (assessment.status === 'met') return withAchievementRate({ quarter, state: 'onTrack' }, assessment);
  if (assessment.status === 'notMet' && quarter === 4) return withAchievementRate({ quarter, state: 'offTrack' }, assessment);
  return { quarter, state: 'noData' };
}

function withAchievementRate(progress: QuarterProgress, { achievementRate }: Assessment): QuarterProgress {
  return achievementRate === undefined ? progress : { ...progress, achievementRate };
}

/** The most recent prior actual that holds a number, for targets such as 増加 (as the sheet view reads it). */
function latestBaseline(indicator: Indicator): Measurement | undefined {
  return [...indicator.baselines].sort((a, b) => b.fiscalYear - a.fiscalYear).find((baseline) => baseline.actual.value !== undefined)
    ?.actual;
}

/** A zero denominator has no meaningful rate (as in assess). */
function ratio(numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator;
}

function withRate(met: boolean, achievementRate: number | undefined): Assessment {
  const status = met ? 'met' : 'notMet';
  return achievementRate === undefined ? { status } : { status, achievementRate };
}

function requireQuarter(quarter: Quarter): void {
  if (!QUARTERS.includes(quarter)) throw new RangeError(`quarter must be 1–4: ${String(quarter)}`);
}

function requireThresholds(thresholds: ProgressThresholds): void {
  const reason = validateThresholds(thresholds);
  if (reason !== undefined) throw new RangeError(`invalid progress thresholds: ${reason}`);
}
