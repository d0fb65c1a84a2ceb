import type { DeepReadonly } from '@shinchoku/immutable';
import { fiscalYearRange, isValidIsoDate, type IsoDate, type Quarter, departmentName } from '@shinchoku/municipality';
import { DEFAULT_RATING_PROFILE } from './assessment';
import { parseMeasurement, type Measurement } from './measurement';
import { parseTarget } from './target';
import { canonicalJson } from './canonical';
import { DomainError } from './errors';
import type { CommandOf, SheetCommand } from './sheet.commands';
import type { SheetEvent } from './sheet.events';
import type { Goal, Indicator, Measure, ProgressEntry, Recorded, Sheet } from './sheet.types';
import { suggestedRatingOf } from './sheet.view';
import { warningsOf } from './warnings';

type Decision = SheetEvent[] | DomainError;

/**
 * Decides what a command means for a sheet: the events to append, none when it changes nothing,
 * or the rule it breaks. Pure: everything it needs is in the command and the state.
 */
export function decide(command: SheetCommand, state: DeepReadonly<Sheet> | undefined): Decision {
  if (command.type === 'CreateSheet') return createSheet(command, state);
  if (!state) return new DomainError('SheetNotFound', 'the sheet does not exist');
  if (command.type === 'ReopenSheet') return reopen(command, state);
  // A reminder already went out: the fact is recorded even on a closed sheet.
  if (command.type === 'RecordReminder') {
    const { type: _type, today, reason: _reason, ...sent } = command;
    return [{ type: 'ReminderSent', data: { ...sent, on: today } }];
  }
  if (state.status === 'closed') {
    return new DomainError('SheetClosed', 'the sheet is closed; reopen it (with a reason) to change it');
  }
  const on = command.today;
  switch (command.type) {
    case 'ReviseSheet': {
      const changes = changed(state, command.changes);
      return changes ? [{ type: 'SheetRevised', data: { changes, on } }] : [];
    }
    case 'AddGoal':
      return addGoal(command, state);
    case 'ReviseGoal':
      return withGoal(state, command.goalId, (goal) => {
        if (command.changes.no !== undefined && command.changes.no !== goal.no && numberTaken(state, command.changes.no)) {
          return goalNumberTaken(command.changes.no, 'changes.no');
        }
        const changes = changed(goal, command.changes);
        return changes ? [{ type: 'GoalRevised', data: { goalId: goal.goalId, changes, on } }] : [];
      });
    case 'RemoveGoal':
      return withGoal(state, command.goalId, (goal) => [{ type: 'GoalRemoved', data: { goalId: goal.goalId, on } }]);
    case 'DefineIndicator':
      return defineIndicator(command, state);
    case 'ReviseIndicator':
      return withIndicator(state, command.indicatorId, (indicator) => {
        const measure = command.changes.measure ?? indicator.measure;
        if (measure === 'level' && command.changes.progressEntry !== undefined) return progressEntryOnLevel();
        // A level becoming a count is entered as new counts are, unless the revision says otherwise.
        const proposed =
          measure === 'cumulative' && indicator.measure === 'level'
            ? { progressEntry: DEFAULT_ENTRY, ...command.changes }
            : command.changes;
        const changes = changed(indicator, proposed);
        return changes ? [{ type: 'IndicatorRevised', data: { indicatorId: indicator.indicatorId, changes, on } }] : [];
      });
    case 'SetTarget':
      return withIndicator(state, command.indicatorId, (indicator) => {
        if (indicator.target?.text === command.text) return [];
        const target = parseTarget(command.text);
        return [
          {
            type: 'TargetSet',
            data: { indicatorId: indicator.indicatorId, target, ...(indicator.target && { previous: indicator.target }), on },
          },
        ];
      });
    case 'RecordProgress':
      return recordProgress(command, state);
    case 'RecordResult':
      return recordResult(command, state);
    case 'SetEvaluationDate':
      return setEvaluationDate(command, state);
    case 'Evaluate':
      return evaluate(command, state);
    case 'CloseSheet': {
      if (state.goals.length === 0)
        return new DomainError('SheetHasNoGoals', 'a sheet without goals has nothing to close; add and evaluate its goals first');
      const open = state.goals.filter((goal) => !goal.evaluation).map((goal) => goal.no);
      if (open.length > 0) {
        return new DomainError('GoalsNotEvaluated', `goals ${open.join(', ')} are not evaluated yet; evaluate every goal before closing`);
      }
      return [{ type: 'SheetClosed', data: { on } }];
    }
  }
}

function createSheet(command: CommandOf<'CreateSheet'>, state: DeepReadonly<Sheet> | undefined): Decision {
  if (state) return new DomainError('SheetAlreadyExists', `sheet ${command.sheetId} already exists`);
  const createdOn = command.createdOn ?? command.today;
  if (!isValidIsoDate(createdOn)) return new DomainError('InvalidDate', `${createdOn} is not a date`, 'createdOn');
  if (command.evaluationDate !== undefined) {
    const problem = evaluationDateProblem(command.fiscalYear, command.evaluationDate, 'evaluationDate');
    if (problem) return problem;
  }
  return [
    {
      type: 'SheetCreated',
      data: {
        sheetId: command.sheetId,
        fiscalYear: command.fiscalYear,
        department: departmentName(command.department),
        unit: command.unit,
        ...(command.purpose !== undefined && { purpose: command.purpose }),
        policyIndicators: command.policyIndicators ?? [],
        ...(command.contact !== undefined && { contact: command.contact }),
        createdOn,
        ...(command.evaluationDate !== undefined && { evaluationDate: command.evaluationDate }),
        ...(command.approach !== undefined && { approach: command.approach }),
        ratingProfile: command.ratingProfile ?? DEFAULT_RATING_PROFILE,
        on: command.today,
      },
    },
  ];
}

function addGoal(command: CommandOf<'AddGoal'>, state: DeepReadonly<Sheet>): Decision {
  if (state.goals.some((goal) => goal.goalId === command.goalId)) {
    return new DomainError('GoalAlreadyExists', `goal ${command.goalId} already exists`);
  }
  const no = command.no ?? Math.max(0, ...state.goals.map((goal) => goal.no)) + 1;
  if (numberTaken(state, no)) return goalNumberTaken(no, 'no');
  return [
    {
      type: 'GoalAdded',
      data: {
        goalId: command.goalId,
        no,
        text: command.text,
        ...(command.priorityGoalNo !== undefined && { priorityGoalNo: command.priorityGoalNo }),
        planRefs: command.planRefs ?? [],
        initiatives: command.initiatives ?? [],
        on: command.today,
      },
    },
  ];
}

function defineIndicator(command: CommandOf<'DefineIndicator'>, state: DeepReadonly<Sheet>): Decision {
  if (findIndicator(state, command.indicatorId)) {
    return new DomainError('IndicatorAlreadyDefined', `indicator ${command.indicatorId} already exists`);
  }
  const measure = command.measure ?? inferMeasure(command.name, command.unit, command.target);
  if (measure === 'level' && command.progressEntry !== undefined) return progressEntryOnLevel();
  return withGoal(state, command.goalId, (goal) => {
    const defined: SheetEvent = {
      type: 'IndicatorDefined',
      data: {
        goalId: goal.goalId,
        indicatorId: command.indicatorId,
        name: command.name,
        ...(command.unit !== undefined && { unit: command.unit }),
        measure,
        ...(measure === 'cumulative' && { progressEntry: command.progressEntry ?? DEFAULT_ENTRY }),
        baselines: command.baselines ?? [],
        ...(command.notes !== undefined && { notes: command.notes }),
        on: command.today,
      },
    };
    if (command.target === undefined) return [defined];
    const target = parseTarget(command.target);
    return [defined, { type: 'TargetSet', data: { indicatorId: command.indicatorId, target, on: command.today } }];
  });
}

/** How a 課 reports a count: the total so far at each quarter's end (累計). */
const DEFAULT_ENTRY: ProgressEntry = 'toDate';

const progressEntryOnLevel = () =>
  new DomainError(
    'ProgressEntryOnLevel',
    "a level (a rate, a score) is always the quarter's own value; progressEntry applies to counts only",
    'progressEntry',
  );

function recordProgress(command: CommandOf<'RecordProgress'>, state: DeepReadonly<Sheet>): Decision {
  if (!isQuarter(command.quarter)) {
    return new DomainError('QuarterOutOfRange', `quarter must be 1, 2, 3 or 4, not ${command.quarter}`, 'quarter');
  }
  const quarter = command.quarter;
  return withIndicator(state, command.indicatorId, (indicator) =>
    activating(
      state,
      command.today,
      recording(indicator.progress[quarter], command, { firstReason: true, reasonAlone: unexplainedFall(indicator, quarter) }, (entry) =>
        'previous' in entry
          ? { type: 'ProgressCorrected', data: { indicatorId: indicator.indicatorId, quarter, ...entry } }
          : { type: 'ProgressRecorded', data: { indicatorId: indicator.indicatorId, quarter, ...entry } },
      ),
    ),
  );
}

/** The quarter's figure to date is lower than the one before and says nothing of why (a warning shows). */
const unexplainedFall = (indicator: DeepReadonly<Indicator>, quarter: Quarter) =>
  warningsOf(indicator).some((warning) => warning.code === 'toDateDecreased' && warning.quarter === quarter);

function recordResult(command: CommandOf<'RecordResult'>, state: DeepReadonly<Sheet>): Decision {
  return withIndicator(state, command.indicatorId, (indicator) =>
    activating(
      state,
      command.today,
      recording(indicator.result, command, { firstReason: false, reasonAlone: false }, (entry) =>
        'previous' in entry
          ? { type: 'ResultCorrected', data: { indicatorId: indicator.indicatorId, ...entry } }
          : { type: 'ResultRecorded', data: { indicatorId: indicator.indicatorId, ...entry } },
      ),
    ),
  );
}

/** "1,234" and 1234 are the same value; text without a number compares as written. */
function sameValue(a: Measurement, b: Measurement): boolean {
  return a.value !== undefined && b.value !== undefined ? a.value === b.value && a.unit === b.unit : a.text === b.text;
}

type Entry = Recorded & { on: IsoDate } & (object | { previous: Recorded; reason?: string });

/**
 * A first value is recorded; a different second value is a correction that keeps the old one
 * (and an optional reason); the same value again changes nothing. A figure to date lower than the
 * last is explained by a reason: with `firstReason` a first value keeps its reason, and with
 * `reasonAlone` (such a fall, unexplained) the same value with a reason is a correction too.
 */
function recording(
  existing: Recorded | undefined,
  command: { value: number | string; note?: string; reason?: string; today: IsoDate },
  { firstReason, reasonAlone }: { firstReason: boolean; reasonAlone: boolean },
  toEvent: (entry: Entry) => SheetEvent,
): SheetEvent[] {
  const value = parseMeasurement(command.value);
  const entry: Recorded = command.note === undefined ? { value } : { value, note: command.note };
  if (!existing)
    return [toEvent({ ...entry, ...(firstReason && command.reason !== undefined && { reason: command.reason }), on: command.today })];
  const newReason = reasonAlone && !!command.reason?.trim() && command.reason !== existing.reason;
  if (sameValue(existing.value, value) && existing.note === entry.note && !newReason) return [];
  return [
    toEvent({
      ...entry,
      previous: existing,
      ...(command.reason !== undefined && { reason: command.reason }),
      on: command.today,
    }),
  ];
}

/** Tracking begins with the first progress, result or evaluation: a draft sheet becomes active. */
function activating(state: DeepReadonly<Sheet>, on: IsoDate, events: SheetEvent[]): SheetEvent[] {
  return state.status === 'draft' && events.length > 0 ? [{ type: 'SheetActivated', data: { on } }, ...events] : events;
}

function setEvaluationDate(command: CommandOf<'SetEvaluationDate'>, state: DeepReadonly<Sheet>): Decision {
  const problem = evaluationDateProblem(state.fiscalYear, command.date, 'date');
  if (problem) return problem;
  if (state.evaluationDate === command.date) return [];
  return [
    {
      type: 'EvaluationDateSet',
      data: {
        evaluationDate: command.date,
        ...(state.evaluationDate !== undefined && { previous: state.evaluationDate }),
        on: command.today,
      },
    },
  ];
}

/** 評価日 falls within the fiscal year or the six months after it, when evaluations are written. */
function evaluationDateProblem(fiscalYear: number, date: IsoDate, path: string): DomainError | undefined {
  if (!isValidIsoDate(date)) return new DomainError('InvalidDate', `${date} is not a date`, path);
  const { start, end } = fiscalYearRange(fiscalYear);
  const latest = `${Number(end.slice(0, 4))}-09-30`;
  if (date < start || date > latest) {
    return new DomainError(
      'EvaluationDateOutsideWindow',
      `the evaluation date must fall between ${start} (start of the fiscal year) and ${latest}`,
      path,
    );
  }
  return undefined;
}

function evaluate(command: CommandOf<'Evaluate'>, state: DeepReadonly<Sheet>): Decision {
  return withGoal(state, command.goalId, (goal) => {
    const suggestedRating = suggestedRatingOf(goal, state.ratingProfile);
    const reason = command.reason?.trim() ? command.reason : undefined;
    if (suggestedRating !== null && command.rating !== suggestedRating && reason === undefined) {
      return new DomainError(
        'ReasonRequired',
        `the indicators suggest ${suggestedRating}; a different rating (${command.rating}) needs a reason`,
        'reason',
      );
    }
    const evaluation = {
      rating: command.rating,
      suggestedRating,
      ...(command.status !== undefined && { status: command.status }),
      ...(command.policy !== undefined && { policy: command.policy }),
      ...(reason !== undefined && { reason }),
    };
    const current = goal.evaluation;
    if (current && sameEvaluation(current, evaluation)) return [];
    return activating(state, command.today, [{ type: 'GoalEvaluated', data: { goalId: goal.goalId, ...evaluation, on: command.today } }]);
  });
}

function reopen(command: CommandOf<'ReopenSheet'>, state: DeepReadonly<Sheet>): Decision {
  if (state.status !== 'closed') return new DomainError('SheetNotClosed', 'only a closed sheet can be reopened');
  if (!command.reason.trim()) return new DomainError('ReasonRequired', 'reopening a closed sheet needs a reason', 'reason');
  return [{ type: 'SheetReopened', data: { reason: command.reason, on: command.today } }];
}

function withGoal(state: DeepReadonly<Sheet>, goalId: string, decide: (goal: DeepReadonly<Goal>) => Decision): Decision {
  const goal = state.goals.find((g) => g.goalId === goalId);
  return goal ? decide(goal) : new DomainError('GoalNotFound', `goal ${goalId} is not on this sheet`);
}

function withIndicator(
  state: DeepReadonly<Sheet>,
  indicatorId: string,
  decide: (indicator: DeepReadonly<Indicator>) => Decision,
): Decision {
  const indicator = findIndicator(state, indicatorId);
  return indicator ? decide(indicator) : new DomainError('IndicatorNotFound', `indicator ${indicatorId} is not on this sheet`);
}

function findIndicator(state: DeepReadonly<Sheet>, indicatorId: string): DeepReadonly<Indicator> | undefined {
  for (const goal of state.goals) {
    const found = goal.indicators.find((i) => i.indicatorId === indicatorId);
    if (found) return found;
  }
  return undefined;
}

const numberTaken = (state: DeepReadonly<Sheet>, no: number) => state.goals.some((goal) => goal.no === no);
const goalNumberTaken = (no: number, path: string) =>
  new DomainError('GoalNumberTaken', `goal number ${no} is already used on this sheet`, path);

const isQuarter = (n: number): n is Quarter => n === 1 || n === 2 || n === 3 || n === 4;

/** Only the fields whose values really differ, or undefined when nothing does (a revision that changes nothing appends nothing). */
function changed<T extends object>(current: T, proposed: Partial<T>): Partial<T> | undefined {
  const entries = Object.entries(proposed).filter(
    ([key, value]) => value !== undefined && canonicalJson(value) !== canonicalJson(current[key as keyof T]),
  );
  return entries.length > 0 ? (Object.fromEntries(entries) as Partial<T>) : undefined;
}

function sameEvaluation(current: object, proposed: object): boolean {
  const { evaluatedOn: _on, ...rest } = current as { evaluatedOn?: string };
  return canonicalJson(rest) === canonicalJson(proposed);
}

/**
 * Rates, shares, scores and satisfaction are read as levels; everything else is counted up over
 * the year. 率 and 点 count only as words of their own: not inside 効率化 or 拠点.
 */
export function inferMeasure(name: string, unit?: string, target?: string): Measure {
  if (unit && /^(?:[%％]|点|割|ポイント)$/.test(unit.trim())) return 'level';
  return /[%％]|率(?!化)|割合|満足度|平均|得点|(?<![拠地])点数|満点/.test(`${name} ${target ?? ''}`) ? 'level' : 'cumulative';
}
