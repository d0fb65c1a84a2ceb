/**
 * A broken domain rule. `code` is stable (clients branch on it); `path` names the field at fault,
 * in the request's terms, when there is one.
 */
export class DomainError {
  constructor(
    readonly code: DomainErrorCode,
    readonly message: string,
    readonly path?: string,
  ) {}
}

export type DomainErrorCode =
  | 'SheetNotFound'
  | 'SheetAlreadyExists'
  | 'SheetClosed'
  | 'SheetNotClosed'
  | 'GoalNotFound'
  | 'GoalNumberTaken'
  | 'IndicatorNotFound'
  | 'IndicatorAlreadyDefined'
  | 'GoalAlreadyExists'
  | 'QuarterOutOfRange'
  | 'EvaluationDateOutsideWindow'
  | 'ReasonRequired'
  | 'GoalsNotEvaluated'
  | 'SheetHasNoGoals'
  | 'WardPlanNotFound'
  | 'WardPlanAlreadyExists'
  | 'PriorityGoalNumberTaken'
  | 'AchievedCountTooHigh'
  | 'InvalidDate'
  | 'ProgressEntryOnLevel';
