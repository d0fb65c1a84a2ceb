import type { IsoDate, Quarter } from '@shinchoku/municipality';
import type { Measurement } from './measurement';
import type { Rating, RatingProfile } from './assessment';
import type { Target } from './target';

export type SheetStatus = 'draft' | 'active' | 'closed';

/** Counts that add up over the year (件, 人) or a level read at a point in time (a rate, a score). */
export type Measure = 'cumulative' | 'level';

/**
 * How a count's quarterly figures are written: `toDate` (累計) — each is the total so far, as a 課
 * reports a count at the end of each quarter — or `quarter`, each the quarter's own amount. A level
 * is always the quarter's value and has none.
 */
export type ProgressEntry = 'toDate' | 'quarter';

export interface Initiative {
  name: string;
  description?: string;
}

/** A prior year's actual as printed (H29実績 …): the text is kept, a number read when there is one. */
export interface Baseline {
  fiscalYear: number;
  actual: Measurement;
}

export interface Recorded {
  value: Measurement;
  note?: string;
  /** Why a figure to date is lower than the one before it: kept only for indicators entered `toDate`, where it explains a fall. */
  reason?: string;
}

export interface Indicator {
  indicatorId: string;
  name: string;
  unit?: string;
  measure: Measure;
  /** Counts only: absent on a level. */
  progressEntry?: ProgressEntry;
  baselines: readonly Baseline[];
  notes?: string;
  target?: Target;
  progress: Partial<Record<Quarter, Recorded>>;
  result?: Recorded;
}

export interface Evaluation {
  rating: Rating;
  /** What the system suggested when the person evaluated; null when it could not judge. */
  suggestedRating: Rating | null;
  status?: string;
  policy?: string;
  reason?: string;
  evaluatedOn: IsoDate;
}

export interface Goal {
  goalId: string;
  no: number;
  text: string;
  priorityGoalNo?: number;
  planRefs: readonly string[];
  initiatives: readonly Initiative[];
  indicators: readonly Indicator[];
  evaluation?: Evaluation;
}

/**
 * One org unit's 組織目標管理シート for one fiscal year. Its lists are read-only, as is every part of
 * a folded state (evolve shares the parts an event left alone): see DeepReadonly in decide and evolve.
 */
export interface Sheet {
  sheetId: string;
  fiscalYear: number;
  department: string;
  unit: string;
  purpose?: string;
  policyIndicators: readonly string[];
  contact?: string;
  createdOn: IsoDate;
  amendedOn?: IsoDate;
  evaluationDate?: IsoDate;
  approach?: string;
  resultSummary?: string;
  ratingProfile: RatingProfile;
  status: SheetStatus;
  goals: readonly Goal[];
}

/** The narrative and reference fields a ReviseSheet may change. */
export type SheetDetails = Pick<Sheet, 'purpose' | 'policyIndicators' | 'contact' | 'approach' | 'resultSummary' | 'ratingProfile'>;
export type GoalDetails = Pick<Goal, 'no' | 'text' | 'priorityGoalNo' | 'planRefs' | 'initiatives'>;
export type IndicatorDetails = Pick<Indicator, 'name' | 'unit' | 'measure' | 'progressEntry' | 'baselines' | 'notes'>;
