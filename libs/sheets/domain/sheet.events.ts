import type { IsoDate, Quarter } from '@shinchoku/municipality';
import type { Rating } from './assessment';
import type { Target } from './target';
import type { GoalDetails, IndicatorDetails, Recorded, Sheet, SheetDetails } from './sheet.types';

/** Every fact carries `on`: the civil date (Asia/Tokyo) it happened, as the command stated it. */
interface Dated {
  on: IsoDate;
}

/**
 * Facts about a sheet, in the past tense. These shapes are schema version 1 of each type.
 * IndicatorDefined and IndicatorRevised gained `progressEntry` (optional): a count defined, or
 * revised into a count, by an event without it was summed quarter by quarter, and `evolve` reads
 * it so (`quarter`). ProgressRecorded may carry a `reason` (Recorded's).
 */
export type SheetEvent =
  | { type: 'SheetCreated'; data: Omit<Sheet, 'status' | 'goals' | 'amendedOn'> & Dated }
  | { type: 'SheetRevised'; data: { changes: Partial<SheetDetails> } & Dated }
  | { type: 'GoalAdded'; data: GoalDetails & { goalId: string } & Dated }
  | { type: 'GoalRevised'; data: { goalId: string; changes: Partial<GoalDetails> } & Dated }
  | { type: 'GoalRemoved'; data: { goalId: string } & Dated }
  | { type: 'IndicatorDefined'; data: IndicatorDetails & { goalId: string; indicatorId: string } & Dated }
  | { type: 'IndicatorRevised'; data: { indicatorId: string; changes: Partial<IndicatorDetails> } & Dated }
  | { type: 'TargetSet'; data: { indicatorId: string; target: Target; previous?: Target } & Dated }
  | { type: 'ProgressRecorded'; data: { indicatorId: string; quarter: Quarter } & Recorded & Dated }
  | {
      type: 'ProgressCorrected';
      data: { indicatorId: string; quarter: Quarter; previous: Recorded; reason?: string } & Recorded & Dated;
    }
  | { type: 'ResultRecorded'; data: { indicatorId: string } & Recorded & Dated }
  | { type: 'ResultCorrected'; data: { indicatorId: string; previous: Recorded; reason?: string } & Recorded & Dated }
  | { type: 'EvaluationDateSet'; data: { evaluationDate: IsoDate; previous?: IsoDate } & Dated }
  | { type: 'SheetActivated'; data: Dated }
  | {
      type: 'GoalEvaluated';
      data: {
        goalId: string;
        rating: Rating;
        suggestedRating: Rating | null;
        status?: string;
        policy?: string;
        reason?: string;
      } & Dated;
    }
  | { type: 'SheetClosed'; data: Dated }
  | { type: 'SheetReopened'; data: { reason: string } & Dated }
  /** A reminder went out: a fact about the sheet's follow-up that leaves its goals and indicators as they were. */
  | { type: 'ReminderSent'; data: ReminderSentData & Dated };

/** Who was reminded of what, through which channel, for which due date. */
export interface ReminderSentData {
  reminderId: string;
  kind: 'evaluation' | 'progress' | 'overdue';
  dueOn: IsoDate;
  quarter?: Quarter;
  recipient: { name: string | null; role: string; address: string | null };
  channel: string;
}

export type SheetEventType = SheetEvent['type'];

/**
 * Facts recorded on a sheet's stream that leave the sheet as it was: a client that read the
 * version before them still has the current sheet, so its If-Match holds across them (a reminder
 * sent while someone is filling in the sheet must not make their save fail).
 */
export const UNCHANGING_EVENTS: ReadonlySet<SheetEventType> = new Set(['ReminderSent']);

/** Events that change the plan itself; after the creation date they set 修正日 (amendedOn). */
export const PLAN_EVENTS: ReadonlySet<SheetEventType> = new Set([
  'SheetRevised',
  'GoalAdded',
  'GoalRevised',
  'GoalRemoved',
  'IndicatorDefined',
  'IndicatorRevised',
  'TargetSet',
]);
