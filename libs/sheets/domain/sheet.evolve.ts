import { PLAN_EVENTS, SheetEvent } from './sheet.events';
import type { Measurement } from './measurement';
import type { DeepReadonly } from '@shinchoku/immutable';
import type { Goal, Indicator, Recorded, Sheet } from './sheet.types';

/**
 * Folds one fact into the sheet. Pure; the same events always give the same sheet. The new sheet
 * shares every part the event left alone with the one before, so neither may ever be changed.
 */
export function evolve(state: DeepReadonly<Sheet> | undefined, event: SheetEvent): DeepReadonly<Sheet> {
  if (event.type === 'SheetCreated') {
    const { on: _on, ...created } = event.data;
    return { ...created, status: 'draft', goals: [] };
  }
  if (!state) throw new Error(`${event.type} before SheetCreated`);
  const sheet = PLAN_EVENTS.has(event.type) && event.data.on > state.createdOn ? { ...state, amendedOn: event.data.on } : state;

  switch (event.type) {
    case 'SheetRevised':
      return { ...sheet, ...event.data.changes };
    case 'GoalAdded': {
      const { on: _on, ...goal } = event.data;
      return withGoals(sheet, [...sheet.goals, { ...goal, indicators: [] }]);
    }
    case 'GoalRevised':
      return mapGoal(sheet, event.data.goalId, (goal) => ({ ...goal, ...event.data.changes }));
    case 'GoalRemoved':
      return withGoals(
        sheet,
        sheet.goals.filter((goal) => goal.goalId !== event.data.goalId),
      );
    case 'IndicatorDefined': {
      const { on: _on, goalId, ...indicator } = event.data;
      return mapGoal(sheet, goalId, (goal) => ({ ...goal, indicators: [...goal.indicators, entered({ ...indicator, progress: {} })] }));
    }
    case 'IndicatorRevised':
      return mapIndicator(sheet, event.data.indicatorId, (indicator) => entered({ ...indicator, ...event.data.changes }));
    case 'TargetSet':
      return mapIndicator(sheet, event.data.indicatorId, (indicator) => ({ ...indicator, target: event.data.target }));
    case 'ProgressRecorded':
    case 'ProgressCorrected': {
      const { quarter, value, note, reason } = event.data;
      return mapIndicator(sheet, event.data.indicatorId, (indicator) => ({
        ...indicator,
        progress: {
          ...indicator.progress,
          [quarter]: { ...recorded(value, note), ...(reason !== undefined && indicator.progressEntry === 'toDate' && { reason }) },
        },
      }));
    }
    case 'ResultRecorded':
    case 'ResultCorrected':
      return mapIndicator(sheet, event.data.indicatorId, (indicator) => ({
        ...indicator,
        result: recorded(event.data.value, event.data.note),
      }));
    case 'EvaluationDateSet':
      return { ...sheet, evaluationDate: event.data.evaluationDate };
    case 'SheetActivated':
      return { ...sheet, status: 'active' };
    case 'GoalEvaluated': {
      const { goalId, on, ...evaluation } = event.data;
      return mapGoal(sheet, goalId, (goal) => ({ ...goal, evaluation: { ...evaluation, evaluatedOn: on } }));
    }
    case 'SheetClosed':
      return { ...sheet, status: 'closed' };
    case 'SheetReopened':
      return { ...sheet, status: 'active' };
    case 'ReminderSent':
      return sheet;
  }
}

export function fold(events: readonly SheetEvent[], initial?: DeepReadonly<Sheet>): DeepReadonly<Sheet> | undefined {
  return events.reduce<DeepReadonly<Sheet> | undefined>(evolve, initial);
}

const recorded = (value: Measurement, note?: string): Recorded => (note === undefined ? { value } : { value, note });

/**
 * A count always says how its figures are entered, a level never does. A count defined (or revised
 * into one) by an event without `progressEntry` was recorded when quarters were summed: it keeps
 * that meaning, whatever the default for new indicators is.
 */
function entered(indicator: DeepReadonly<Indicator>): DeepReadonly<Indicator> {
  if (indicator.measure === 'cumulative') return indicator.progressEntry ? indicator : { ...indicator, progressEntry: 'quarter' };
  if (indicator.progressEntry === undefined) return indicator;
  const { progressEntry: _entry, ...level } = indicator;
  return level;
}

/** Goals stay ordered by their number, as on the printed sheet. */
function withGoals(sheet: DeepReadonly<Sheet>, goals: readonly DeepReadonly<Goal>[]): DeepReadonly<Sheet> {
  return { ...sheet, goals: [...goals].sort((a, b) => a.no - b.no) };
}

function mapGoal(
  sheet: DeepReadonly<Sheet>,
  goalId: string,
  change: (goal: DeepReadonly<Goal>) => DeepReadonly<Goal>,
): DeepReadonly<Sheet> {
  return withGoals(
    sheet,
    sheet.goals.map((goal) => (goal.goalId === goalId ? change(goal) : goal)),
  );
}

function mapIndicator(
  sheet: DeepReadonly<Sheet>,
  indicatorId: string,
  change: (indicator: DeepReadonly<Indicator>) => DeepReadonly<Indicator>,
): DeepReadonly<Sheet> {
  return {
    ...sheet,
    goals: sheet.goals.map((goal) =>
      goal.indicators.some((i) => i.indicatorId === indicatorId)
        ? { ...goal, indicators: goal.indicators.map((i) => (i.indicatorId === indicatorId ? change(i) : i)) }
        : goal,
    ),
  };
}
