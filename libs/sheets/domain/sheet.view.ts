import { Assessment, assess, Rating, RatingProfile, suggestRating } from './assessment';
import { fiscalYearLabel } from './calendar';
import type { Goal, Indicator, Sheet } from './sheet.types';

export interface IndicatorView extends Indicator {
  /** The year-end result judged against the target; null until both are known. */
  achievement: Assessment | null;
}

export interface GoalView extends Omit<Goal, 'indicators'> {
  indicators: IndicatorView[];
  /** What the indicators suggest now; null when a person must judge. */
  suggestedRating: Rating | null;
}

export interface SheetView extends Omit<Sheet, 'goals'> {
  fiscalYearLabel: string;
  goals: GoalView[];
}

/**
 * The sheet as people read it: the stored facts plus what follows from them, fields in the
 * order of the printed sheet (stored state comes back from jsonb with its keys reordered).
 */
export function viewOf(sheet: Sheet): SheetView {
  const goals = sheet.goals.map((goal) => {
    const indicators = goal.indicators.map((indicator) => ({
      ...ordered(indicator, ['indicatorId', 'name', 'unit', 'measure', 'baselines', 'notes', 'target', 'progress', 'result']),
      achievement: achievementOf(indicator),
    }));
    return {
      ...ordered(goal, ['goalId', 'no', 'text', 'priorityGoalNo', 'planRefs', 'initiatives']),
      indicators,
      suggestedRating: suggest(indicators, sheet.ratingProfile),
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
