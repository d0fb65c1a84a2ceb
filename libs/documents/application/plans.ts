import type { StoredEvent } from '@shinchoku/event-store';
import { uuidFrom } from '@shinchoku/http';
import type { Undated } from '@shinchoku/sheets';
import type { IsoDate } from '@shinchoku/municipality';
import {
  parseMeasurement,
  decide,
  evolve,
  decideWardPlan,
  evolveWardPlan,
  type WardPlan,
  type WardPlanCommand,
  type SheetCommand,
  type SheetEvent,
  type Recorded,
  type Sheet,
} from '@shinchoku/sheets/domain';
import { DocumentError, type Location, type SheetDraft, type WardPlanDraft } from '../drafts';
import { dryRun, type Step } from './dry-run';
import { merge, narrowed, touches, type Conflict } from './stale';

/** The commands an import gives one stream, decided on `state` at `version` as read before planning. */
export interface Plan<S, C> {
  id: string;
  version: number;
  state: S | undefined;
  steps: Array<Step<C> & { forced?: { sinceVersion: number } }>;
}

/** A stream as read before planning: its state, version and events. */
export interface Loaded<S> {
  state: S | undefined;
  version: number;
  events: StoredEvent[];
}

export interface LocatedSheet extends Loaded<Sheet> {
  draft: SheetDraft;
  sheetId: string;
}

export interface LocatedWardPlan extends Loaded<WardPlan> {
  draft: WardPlanDraft;
  wardPlanId: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const foldSheet = (events: readonly StoredEvent[], from?: Sheet) =>
  events.reduce<Sheet | undefined>((state, event) => evolve(state, event as unknown as SheetEvent), from);
const reopened = (sheet: Sheet): Sheet => ({ ...sheet, status: 'active' });

/**
 * The commands for a sheet. A workbook exported at an older version than the sheet's writes only
 * the cells it changed since that version (the others keep their newer values); a cell changed on
 * both sides is a conflict, written only with `force`, and then marked as forced on its events.
 */
export function planSheet(
  located: LocatedSheet,
  today: IsoDate,
  file: string,
  force: boolean,
): { plan: Plan<Sheet, SheetCommand>; conflicts: Conflict[] } {
  const { draft, sheetId, state, version, events } = located;
  const plan = (steps: Array<Step<SheetCommand>>) => ({ id: sheetId, version, state, steps });
  const exported = draft.version;
  if (!state || exported === undefined || exported >= version) {
    return { plan: plan(dryRun(sheetSteps(draft, sheetId, state, today), state, decide, evolve, file, reopened).steps), conflicts: [] };
  }
  const base = foldSheet(events.slice(0, exported))!;
  // A sheet closed when exported may have been reopened since to be corrected: what the workbook
  // changes is judged as if it were open, and its 確定 is then no change of its own.
  const start = base.status === 'closed' ? reopened(base) : base;
  const edited = dryRun(sheetSteps(draft, sheetId, start, today), start, decide, evolve, file, reopened).state;
  const { changed, conflicts, conflicting } = merge(base, edited, state, events.slice(exported), exported);
  const keep = force ? changed : new Set([...changed].filter((key) => !conflicting.has(key)));
  const steps = sheetSteps(draft, sheetId, state, today).flatMap((step) => {
    const command = narrowed(step.command, keep);
    return command ? [{ ...step, command, ...(touches(command, conflicting) && { forced: { sinceVersion: exported } }) }] : [];
  });
  return { plan: plan(dryRun(steps, state, decide, evolve, file, reopened).steps), conflicts };
}

/** The commands that bring `state` to what the document says, before the dry run drops those that change nothing. */
function sheetSteps(draft: SheetDraft, sheetId: string, state: Sheet | undefined, today: IsoDate): Array<Step<SheetCommand>> {
  const planned = draft.amendedOn ?? draft.createdOn;
  const steps: Array<Step<SheetCommand>> = [];
  const add = (command: Undated<SheetCommand>, at: Location, on: IsoDate = today) => steps.push({ command, today: on, at });
  const details = {
    ...(draft.purpose !== undefined && { purpose: draft.purpose }),
    policyIndicators: draft.policyIndicators,
    ...(draft.contact !== undefined && { contact: draft.contact }),
    ...(draft.approach !== undefined && { approach: draft.approach }),
    ...(draft.ratingProfile !== undefined && { ratingProfile: draft.ratingProfile }),
  };
  const { fiscalYear, department, unit, createdOn } = draft;
  if (!state) add({ type: 'CreateSheet', sheetId, fiscalYear, department, unit, createdOn, ...details }, draft.at, createdOn);
  const changes = { ...(state && details), ...(draft.resultSummary !== undefined && { resultSummary: draft.resultSummary }) };
  if (Object.keys(changes).length > 0) add({ type: 'ReviseSheet', changes }, draft.at, planned);

  for (const goal of draft.goals) {
    const goalId = idOf(goal.goalId, goal.at, 'import', sheetId, 'goal', String(goal.no));
    const goalDetails = {
      no: goal.no,
      text: goal.text,
      ...(goal.priorityGoalNo !== undefined && { priorityGoalNo: goal.priorityGoalNo }),
      planRefs: goal.planRefs,
      initiatives: goal.initiatives,
    };
    const existing = state?.goals.find((g) => g.goalId === goalId);
    add(existing ? { type: 'ReviseGoal', goalId, changes: goalDetails } : { type: 'AddGoal', goalId, ...goalDetails }, goal.at, planned);
    for (const [position, indicator] of goal.indicators.entries()) {
      const indicatorId = idOf(indicator.indicatorId, indicator.at, 'import', goalId, 'indicator', String(position));
      const indicatorDetails = {
        name: indicator.name,
        ...(indicator.unit !== undefined && { unit: indicator.unit }),
        ...(indicator.measure !== undefined && { measure: indicator.measure }),
        ...(indicator.progressEntry !== undefined && { progressEntry: indicator.progressEntry }),
        baselines: indicator.baselines.map((b) => ({ fiscalYear: b.fiscalYear, actual: parseMeasurement(b.actual) })),
        ...(indicator.notes !== undefined && { notes: indicator.notes }),
      };
      const defined = state?.goals.flatMap((g) => g.indicators).find((i) => i.indicatorId === indicatorId);
      if (!defined) {
        add(
          {
            type: 'DefineIndicator',
            goalId,
            indicatorId,
            ...indicatorDetails,
            ...(indicator.target !== undefined && { target: indicator.target }),
          },
          indicator.at,
          planned,
        );
      } else {
        add({ type: 'ReviseIndicator', indicatorId, changes: indicatorDetails }, indicator.at, planned);
        if (indicator.target !== undefined)
          add({ type: 'SetTarget', indicatorId, text: indicator.target }, indicator.cells.target ?? indicator.at, planned);
      }
      // A layout without notes leaves the recorded ones alone; one with notes states them all.
      const noteOf = (key: 1 | 2 | 3 | 4 | 'result', recorded?: Recorded) => {
        const note = indicator.recordedNotes ? indicator.recordedNotes[key] : recorded?.note;
        return note === undefined ? {} : { note };
      };
      for (const [key, value] of Object.entries(indicator.progress)) {
        const quarter = Number(key) as 1 | 2 | 3 | 4;
        add(
          { type: 'RecordProgress', indicatorId, quarter, value, ...noteOf(quarter, defined?.progress[quarter]) },
          indicator.cells.progress[quarter] ?? indicator.at,
        );
      }
      if (indicator.result !== undefined) {
        add(
          { type: 'RecordResult', indicatorId, value: indicator.result, ...noteOf('result', defined?.result) },
          indicator.cells.result ?? indicator.at,
        );
      }
    }
  }
  if (draft.evaluationDate) add({ type: 'SetEvaluationDate', date: draft.evaluationDate }, draft.at);
  for (const goal of draft.goals) {
    if (!goal.evaluation) continue;
    const { at, evaluatedOn, ...evaluation } = goal.evaluation;
    const goalId = idOf(goal.goalId, goal.at, 'import', sheetId, 'goal', String(goal.no));
    add({ type: 'Evaluate', goalId, ...evaluation }, at, evaluatedOn ?? today);
  }
  if (draft.status === 'closed' && state?.status !== 'closed') add({ type: 'CloseSheet' }, draft.at);
  return steps;
}

export function planWardPlan(
  { draft, wardPlanId, state, version }: LocatedWardPlan,
  today: IsoDate,
  file: string,
): Plan<WardPlan, WardPlanCommand> {
  const { at, evaluation, wardPlanId: _id, ...plan } = draft;
  const steps: Array<Step<WardPlanCommand>> = [
    state
      ? { command: { type: 'RevisePriorityGoals', priorityGoals: draft.priorityGoals }, today, at }
      : { command: { type: 'CreateWardPlan', wardPlanId, ...plan }, today, at },
  ];
  if (evaluation) {
    const { at: evaluatedAt, evaluatedOn, ...given } = evaluation;
    steps.push({ command: { type: 'EvaluateWardPlan', ...given }, today: evaluatedOn ?? today, at: evaluatedAt });
  }
  return { id: wardPlanId, version, state, steps: dryRun(steps, state, decideWardPlan, evolveWardPlan, file).steps };
}

/** A workbook's id, checked; or the id derived from what the document says. */
export function idOf(given: string | undefined, at: Location, ...parts: string[]): string {
  if (given === undefined) return uuidFrom(...parts);
  if (!UUID.test(given)) throw new DocumentError(at, `"${given}" is not an id shinchoku gave out (a UUID)`);
  return given.toLowerCase();
}
