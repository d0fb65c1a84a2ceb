import type { DeepReadonly } from '@shinchoku/immutable';
import { departmentName, type IsoDate } from '@shinchoku/municipality';
import { canonicalJson } from './canonical';
import { DomainError } from './errors';

export interface PriorityGoal {
  no: number;
  text: string;
}

export interface WardPlanEvaluation {
  /** 目標数: how many 重点目標 were evaluated. */
  goalCount: number;
  /** 達成数: how many were achieved, as the ward states it. */
  achievedCount: number;
  /** 取組結果 / 重点目標の達成状況. */
  status?: string;
  /** 今後の方向性. */
  direction?: string;
  evaluatedOn: IsoDate;
}

/** A ward's 区 組織目標 for a fiscal year: its 区長, its purpose and its numbered 重点目標. */
export interface WardPlan {
  wardPlanId: string;
  department: string;
  fiscalYear: number;
  headName?: string;
  /** 組織の目的・方向性. */
  purpose?: string;
  /** The paragraph that introduces the 重点目標. */
  introduction?: string;
  priorityGoals: readonly PriorityGoal[];
  evaluation?: WardPlanEvaluation;
}

export type WardPlanEvent =
  | { type: 'WardPlanCreated'; data: Omit<WardPlan, 'evaluation'> & { on: IsoDate } }
  | { type: 'PriorityGoalsRevised'; data: { priorityGoals: readonly PriorityGoal[]; on: IsoDate } }
  | { type: 'WardPlanEvaluated'; data: Omit<WardPlanEvaluation, 'evaluatedOn'> & { on: IsoDate } };

export type WardPlanCommand = { today: IsoDate } & (
  | ({ type: 'CreateWardPlan' } & Omit<WardPlan, 'evaluation'>)
  | { type: 'RevisePriorityGoals'; priorityGoals: readonly PriorityGoal[] }
  | { type: 'EvaluateWardPlan'; achievedCount: number; status?: string; direction?: string }
);

export function evolveWardPlan(state: DeepReadonly<WardPlan> | undefined, event: WardPlanEvent): DeepReadonly<WardPlan> {
  if (event.type === 'WardPlanCreated') {
    const { on: _on, ...plan } = event.data;
    return plan;
  }
  if (!state) throw new Error(`${event.type} before WardPlanCreated`);
  switch (event.type) {
    case 'PriorityGoalsRevised':
      return { ...state, priorityGoals: event.data.priorityGoals };
    case 'WardPlanEvaluated': {
      const { on, ...evaluation } = event.data;
      return { ...state, evaluation: { ...evaluation, evaluatedOn: on } };
    }
  }
}

export function decideWardPlan(command: WardPlanCommand, state: DeepReadonly<WardPlan> | undefined): WardPlanEvent[] | DomainError {
  const on = command.today;
  if (command.type === 'CreateWardPlan') {
    if (state) return new DomainError('WardPlanAlreadyExists', `ward plan ${command.wardPlanId} already exists`);
    const { type: _type, today: _today, ...given } = command;
    // Optional fields left undefined by a caller must not reach the event as `undefined`.
    const plan = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given;
    const problem = duplicateNumber(plan.priorityGoals);
    return (
      problem ?? [
        {
          type: 'WardPlanCreated',
          data: { ...plan, department: departmentName(plan.department), priorityGoals: ordered(plan.priorityGoals), on },
        },
      ]
    );
  }
  if (!state) return new DomainError('WardPlanNotFound', 'the ward plan does not exist');
  switch (command.type) {
    case 'RevisePriorityGoals': {
      const problem = duplicateNumber(command.priorityGoals);
      if (problem) return problem;
      const priorityGoals = ordered(command.priorityGoals);
      return canonicalJson(priorityGoals) === canonicalJson(state.priorityGoals)
        ? []
        : [{ type: 'PriorityGoalsRevised', data: { priorityGoals, on } }];
    }
    case 'EvaluateWardPlan': {
      const goalCount = state.priorityGoals.length;
      if (command.achievedCount > goalCount) {
        return new DomainError(
          'AchievedCountTooHigh',
          `${command.achievedCount} achieved is more than the ${goalCount} 重点目標 of the plan`,
          'achievedCount',
        );
      }
      const evaluation = {
        goalCount,
        achievedCount: command.achievedCount,
        ...(command.status !== undefined && { status: command.status }),
        ...(command.direction !== undefined && { direction: command.direction }),
      };
      const { evaluatedOn: _on, ...current } = state.evaluation ?? { evaluatedOn: '' };
      if (state.evaluation && canonicalJson(current) === canonicalJson(evaluation)) return [];
      return [{ type: 'WardPlanEvaluated', data: { ...evaluation, on } }];
    }
  }
}

const ordered = (goals: readonly PriorityGoal[]) => [...goals].sort((a, b) => a.no - b.no);

function duplicateNumber(goals: readonly PriorityGoal[]): DomainError | undefined {
  const seen = new Set<number>();
  for (const [index, goal] of goals.entries()) {
    if (seen.has(goal.no)) {
      return new DomainError('PriorityGoalNumberTaken', `重点目標 number ${goal.no} appears twice`, `priorityGoals[${index}].no`);
    }
    seen.add(goal.no);
  }
  return undefined;
}
