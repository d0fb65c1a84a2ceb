import type { IsoDate } from '@shinchoku/municipality';
import type { Rating } from './assessment';
import type { GoalDetails, IndicatorDetails, Initiative, Measure, Baseline, ProgressEntry, SheetDetails } from './sheet.types';
import type { RatingProfile } from './assessment';
import type { ReminderSentData } from './sheet.events';

/** Every command states the civil date it is made on (Asia/Tokyo); the domain never reads a clock. */
interface Dated {
  today: IsoDate;
}

export type SheetCommand = Dated &
  (
    | {
        type: 'CreateSheet';
        sheetId: string;
        fiscalYear: number;
        department: string;
        unit: string;
        purpose?: string;
        policyIndicators?: readonly string[];
        contact?: string;
        /** 作成日 as printed; defaults to today. */
        createdOn?: IsoDate;
        evaluationDate?: IsoDate;
        approach?: string;
        ratingProfile?: RatingProfile;
      }
    | { type: 'ReviseSheet'; changes: Partial<SheetDetails> }
    | {
        type: 'AddGoal';
        goalId: string;
        /** Defaults to the next free number. */
        no?: number;
        text: string;
        priorityGoalNo?: number;
        planRefs?: readonly string[];
        initiatives?: readonly Initiative[];
      }
    | { type: 'ReviseGoal'; goalId: string; changes: Partial<GoalDetails> }
    | { type: 'RemoveGoal'; goalId: string }
    | {
        type: 'DefineIndicator';
        goalId: string;
        indicatorId: string;
        name: string;
        unit?: string;
        /** Defaults from the unit and the name: rates, scores and satisfaction are levels, counts cumulative. */
        measure?: Measure;
        /** Counts only; defaults to `toDate` (累計), how a 課 reports a count at each quarter's end. */
        progressEntry?: ProgressEntry;
        baselines?: readonly Baseline[];
        notes?: string;
        /** The target as written, if known when the indicator is defined. */
        target?: string;
      }
    | { type: 'ReviseIndicator'; indicatorId: string; changes: Partial<IndicatorDetails> }
    | { type: 'SetTarget'; indicatorId: string; text: string }
    | { type: 'RecordProgress'; indicatorId: string; quarter: number; value: number | string; note?: string; reason?: string }
    | { type: 'RecordResult'; indicatorId: string; value: number | string; note?: string; reason?: string }
    | { type: 'SetEvaluationDate'; date: IsoDate }
    | { type: 'Evaluate'; goalId: string; rating: Rating; status?: string; policy?: string; reason?: string }
    | { type: 'CloseSheet' }
    | { type: 'ReopenSheet'; reason: string }
    | ({ type: 'RecordReminder'; reason?: string } & ReminderSentData)
  );

export type SheetCommandType = SheetCommand['type'];
export type CommandOf<T extends SheetCommandType> = Extract<SheetCommand, { type: T }>;
