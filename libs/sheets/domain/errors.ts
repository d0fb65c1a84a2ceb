/**
 * A broken domain rule. `code` is stable (clients branch on it); `path` names the field at fault,
 * in the request's terms, when there is one. The decider returns it; the application throws it,
 * and only the HTTP edge knows which status it answers.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    override readonly message: string,
    readonly path?: string,
  ) {
    super(message);
  }
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
