import { normalizeWidth, type Measurement } from './measurement';
import type { Comparator, Target } from './target';

export type IndicatorStatus = 'met' | 'notMet' | 'undetermined';

/** achievementRate > 1 is always better than the target, whichever way the target points. */
export interface Assessment {
  status: IndicatorStatus;
  achievementRate?: number;
}

export type Rating = '○' | '△' | '×';

export type RatingProfile =
  { kind: 'allIndicatorsMet' } | { kind: 'achievementBands'; bands: readonly { minRate: number; rating: Rating }[] };

/** ○ all indicators met, × none met, △ otherwise: the 達成 / 一部未達成 / 未達成 legend printed on every sheet. */
export const DEFAULT_RATING_PROFILE: RatingProfile = { kind: 'allIndicatorsMet' };

const MILESTONE_MET = /^(?:実施済み?|実施|完了|達成|済み?)$/;
const MILESTONE_NOT_MET = /^(?:未実施|未完了|未達成|中止)$/;

/**
 * Judges a result (or progress to date) against a target; `baseline` is the latest prior actual, for `direction`.
 * Whatever cannot be judged from the values alone is 'undetermined', and a person judges it.
 */
export function assess(target: Target, actual: Measurement | undefined, baseline?: Measurement): Assessment {
  if (!actual) return undetermined();
  switch (target.kind) {
    case 'numeric':
    case 'perCapita':
      return compare(target.comparator, target.value, target.unit, actual);
    case 'share':
      // The actual must be the share itself ("85%"); a bare number could be the mean score instead.
      if (actual.unit !== '%' || actual.value === undefined) return undetermined();
      return judged(actual.value >= target.share, ratio(actual.value, target.share));
    case 'coverage':
      // Only a percentage says how much of the group was covered; a count needs the group's size, which a person knows.
      if (actual.unit !== '%' || actual.value === undefined) return undetermined();
      return judged(actual.value >= 100, actual.value / 100);
    case 'direction':
      return change(target.direction, actual, baseline);
    case 'milestone':
      return milestone(actual.text);
    case 'freeText':
      return undetermined();
    default: {
      // A kind this code does not know (say, from a newer event) is left to a person rather than thrown on.
      const exhaustive: never = target;
      void exhaustive;
      return undetermined();
    }
  }
}

/** null when there is nothing to go on or any indicator needs a person's judgement: the person decides alone. */
export function suggestRating(assessments: readonly Assessment[], profile: RatingProfile): Rating | null {
  if (assessments.length === 0 || assessments.some((a) => a.status === 'undetermined')) return null;
  if (profile.kind === 'allIndicatorsMet') {
    const met = assessments.filter((a) => a.status === 'met').length;
    if (met === assessments.length) return '○';
    return met === 0 ? '×' : '△';
  }
  const rates = assessments.map((a) => a.achievementRate);
  if (rates.some((r) => r === undefined)) return null;
  const mean = (rates as number[]).reduce((sum, r) => sum + r, 0) / rates.length;
  // Rates are quotients: a mean that is exactly on a boundary on paper can land a hair below it in floating point.
  const band = [...profile.bands].sort((a, b) => b.minRate - a.minRate).find((b) => mean + 1e-9 >= b.minRate);
  return band?.rating ?? null;
}

function compare(comparator: Comparator, target: number, unit: string | undefined, actual: Measurement): Assessment {
  if (actual.value === undefined || unitsDiffer(unit, actual.unit)) return undetermined();
  const value = actual.value;
  switch (comparator) {
    case 'gte':
      return judged(value >= target, ratio(value, target));
    case 'lte':
      return judged(value <= target, ratio(target, value));
    case 'eq':
      return judged(value === target, value === target ? 1 : ratio(value, target));
  }
}

function change(direction: 'increase' | 'decrease', actual: Measurement, baseline: Measurement | undefined): Assessment {
  const before = baseline?.value;
  if (actual.value === undefined || before === undefined || unitsDiffer(actual.unit, baseline?.unit)) return undetermined();
  return direction === 'increase'
    ? judged(actual.value > before, ratio(actual.value, before))
    : judged(actual.value < before, ratio(before, actual.value));
}

function milestone(text: string): Assessment {
  const said = normalizeWidth(text).trim().replace(/。$/, '');
  if (MILESTONE_NOT_MET.test(said)) return { status: 'notMet' };
  if (MILESTONE_MET.test(said)) return { status: 'met' };
  return undetermined();
}

/** "12人" against "12.00%" compares different things; a missing unit on either side is taken as the indicator's own. */
function unitsDiffer(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** A zero denominator has no meaningful rate; leaving it out makes band ratings defer to a person. */
function ratio(numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator;
}

function judged(met: boolean, achievementRate: number | undefined): Assessment {
  const status: IndicatorStatus = met ? 'met' : 'notMet';
  return achievementRate === undefined ? { status } : { status, achievementRate };
}

function undetermined(): Assessment {
  return { status: 'undetermined' };
}
