import { Assessment, assess, Rating, RatingProfile, suggestRating } from './assessment';
import { fiscalYearLabel } from '@shinchoku/municipality';
import { sortedKeys } from './canonical';
import {
  DEFAULT_PROGRESS_THRESHOLDS,
  indicatorProgress,
  type ProgressState,
  type ProgressThresholds,
  type QuarterProgress,
} from './progress';
import type { Goal, Indicator, ProgressEntry, Sheet } from './sheet.types';
import { warningsOf, type IndicatorWarning } from './warnings';

export interface IndicatorView extends Omit<Indicator, 'progressEntry'> {
  /** How the quarters' figures are entered; null for a level, always its quarter's value. */
  progressEntry: ProgressEntry | null;
  /** The year-end result judged against the target; null until both are known. */
  achievement: Assessment | null;
  /** Pace against the target at each quarter with a value, and at the latest one. */
  progressState: { latest: QuarterProgress | null; quarters: QuarterProgress[] };
  /** Figures that contradict each other (say, a result other than the count to date); none most of the time. */
  warnings: IndicatorWarning[];
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
  const goals = goalViewsOf(given, thresholds);
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

/** The views of the sheet's goals alone: what the current-state rows need, without the sheet's own fields. */
export function goalViewsOf(sheet: Sheet, thresholds: ProgressThresholds = DEFAULT_PROGRESS_THRESHOLDS): GoalView[] {
  return sheet.goals.map((goal) => goalView(goal, sheet.ratingProfile, thresholds));
}

function goalView(given: Goal, profile: RatingProfile, thresholds: ProgressThresholds): GoalView {
  return kept(thresholds, given, profile, () => {
    const indicators = given.indicators.map((indicator) =>
      kept(thresholds, indicator, undefined, () => indicatorView(indicator, thresholds)),
    );
    const goal = sortedKeys({ ...given, indicators: [] });
    return {
      ...ordered(goal, ['goalId', 'no', 'text', 'priorityGoalNo', 'planRefs', 'initiatives']),
      indicators,
      suggestedRating: suggest(indicators, profile),
      progressState: worstOf(indicators.map((i) => i.progressState.latest?.state ?? 'noData')),
    };
  });
}

function indicatorView(given: Indicator, thresholds: ProgressThresholds): IndicatorView {
  const indicator = sortedKeys(given);
  const { quarters, latest } = indicatorProgress(indicator, thresholds);
  return {
    ...ordered({ ...indicator, progressEntry: indicator.progressEntry ?? null }, [
      'indicatorId',
      'name',
      'unit',
      'measure',
      'progressEntry',
      'baselines',
      'notes',
      'target',
      'progress',
      'result',
    ]),
    achievement: achievementOf(indicator),
    progressState: { latest: latest ?? null, quarters },
    warnings: warningsOf(indicator),
  };
}

/**
 * Views already made, by thresholds and the part of the state they show. A state is folded
 * immutably, so a goal or indicator no event touched is the same object as before, and a command
 * renders only what it changed. Views are shared: nobody may change one.
 */
const views = new WeakMap<ProgressThresholds, WeakMap<object, { also: unknown; view: unknown }>>();

/** The view of `part` made before with the same thresholds and `also` (what else it depends on), or a new one. */
function kept<V>(thresholds: ProgressThresholds, part: object, also: unknown, make: () => V): V {
  let made = views.get(thresholds);
  if (!made) views.set(thresholds, (made = new WeakMap()));
  const known = made.get(part);
  if (known && known.also === also) return known.view as V;
  const view = make();
  made.set(part, { also, view });
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
  return [...indicator.baselines].sort((a, b) => b.fiscalYear - a.fiscalYear).find((baseline) => baseline.actual.value !== undefined)
    ?.actual;
}

/** The same object with the given keys first, in that order; every other key follows, none is lost. */
function ordered<T extends object>(source: T, keys: ReadonlyArray<keyof T>): T {
  const first = Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
  return { ...first, ...source };
}
