import { Assessment, assess, Rating, RatingProfile, suggestRating } from './assessment';
import { fiscalYearLabel } from './calendar';
import { sortedKeys } from './canonical';
import {
  DEFAULT_PROGRESS_THRESHOLDS,
  indicatorProgress,
  type ProgressState,
  type ProgressThresholds,
  type QuarterProgress,
} from './progress';
import type { Goal, Indicator, Sheet } from './sheet.types';

export interface IndicatorView extends Indicator {
  /** The year-end result judged against the target; null until both are known. */
  achievement: Assessment | null;
  /** Pace against the target at each quarter with a value, and at the latest one. */
  progressState: { latest: QuarterProgress | null; quarters: QuarterProgress[] };
}

export interface GoalView extends Omit<Goal, 'indicators'> {
  indicators: IndicatorView[];
  /** What the indicators suggest now; null when a person must judge. */
  suggestedRating: Rating | null;
  /** The worst latest state of its indicators. */
  progressState: ProgressState;
}

export interface SheetView extends Omit<Sheet, 'goals'> {
  fiscalYearLabel: string;
  goals: GoalView[];
}

/**
 * The sheet as people read it: the stored facts plus what follows from them, with the main
 * fields in the order of the printed sheet and nested ones in alphabetical order.
 */
export function viewOf(given: Sheet, thresholds: ProgressThresholds = DEFAULT_PROGRESS_THRESHOLDS): SheetView {
  // Nested keys sorted first, so a sheet renders to the same text however its state was assembled.
  // Goals and indicators are sorted on their own (the empty lists hold their keys' places).
  const sheet = sortedKeys({ ...given, goals: [] });
  const goals = given.goals.map((whole) => {
    const indicators = whole.indicators.map((indicator) => indicatorView(indicator, thresholds));
    const goal = sortedKeys({ ...whole, indicators: [] });
    return {
      ...ordered(goal, ['goalId', 'no', 'text', 'priorityGoalNo', 'planRefs', 'initiatives']),
      indicators,
      suggestedRating: suggest(indicators, sheet.ratingProfile),
      progressState: worstOf(indicators.map((i) => i.progressState.latest?.state ?? 'noData')),
    };
  });
  return {
    ...ordered({ ...sheet, fiscalYearLabel: fiscalYearLabel(sheet.fiscalYear) }, [
      'sheetId',
      'fiscalYear',
      'fiscalYearLabel',
      'department',
      'unit',
      'status',
      'purpose',
      'policyIndicators',
      'contact',
      'createdOn',
      'amendedOn',
      'evaluationDate',
      'approach',
      'resultSummary',
      'ratingProfile',
    ]),
    goals,
  };
}

/**
 * Indicator views already made, by thresholds and indicator. A state is folded immutably, so an
 * indicator no event touched is the same object as before, and a command renders only the one it
 * changed. Views are shared: nobody may change one.
 */
const indicatorViews = new WeakMap<ProgressThresholds, WeakMap<Indicator, IndicatorView>>();

function indicatorView(given: Indicator, thresholds: ProgressThresholds): IndicatorView {
  let views = indicatorViews.get(thresholds);
  if (!views) indicatorViews.set(thresholds, (views = new WeakMap()));
  const known = views.get(given);
  if (known) return known;
  const indicator = sortedKeys(given);
  const { quarters, latest } = indicatorProgress(indicator, thresholds);
  const view = {
    ...ordered(indicator, ['indicatorId', 'name', 'unit', 'measure', 'baselines', 'notes', 'target', 'progress', 'result']),
    achievement: achievementOf(indicator),
    progressState: { latest: latest ?? null, quarters },
  };
  views.set(given, view);
  return view;
}

const SEVERITY: Record<ProgressState, number> = { noData: 0, onTrack: 1, atRisk: 2, offTrack: 3 };

/** The worst of several states; noData only when none has data. */
export function worstOf(states: readonly ProgressState[]): ProgressState {
  return states.reduce<ProgressState>((worst, state) => (SEVERITY[state] > SEVERITY[worst] ? state : worst), 'noData');
}

export function suggestedRatingOf(goal: Goal, profile: RatingProfile): Rating | null {
  return suggest(
    goal.indicators.map((indicator) => ({ achievement: achievementOf(indicator) })),
    profile,
  );
}

function suggest(indicators: ReadonlyArray<{ achievement: Assessment | null }>, profile: RatingProfile): Rating | null {
  if (indicators.length === 0) return null;
  return suggestRating(
    indicators.map((i) => i.achievement ?? { status: 'undetermined' }),
    profile,
  );
}

function achievementOf(indicator: Indicator): Assessment | null {
  if (!indicator.target || !indicator.result) return null;
  return assess(indicator.target, indicator.result.value, latestBaseline(indicator));
}

/** The most recent prior actual that holds a number, for targets such as 増加. */
function latestBaseline(indicator: Indicator) {
  return [...indicator.baselines]
    .sort((a, b) => b.fiscalYear - a.fiscalYear)
    .find((baseline) => baseline.actual.value !== undefined)?.actual;
}

/** The same object with the given keys first, in that order; every other key follows, none is lost. */
function ordered<T extends object>(source: T, keys: ReadonlyArray<keyof T>): T {
  const first = Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
  return { ...first, ...source } as T;
}
