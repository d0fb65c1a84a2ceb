import { WrongExpectedVersionError, type Actor, type SourceDocument, type StoredEvent } from '@shinchoku/event-store';
import { uuidFrom } from '@shinchoku/http';
import type { Clock } from '@shinchoku/runtime';
import { SheetCommands, SheetQueries, WardPlanCommands } from '@shinchoku/sheets';
import type { Undated } from '@shinchoku/sheets/application/command-runner';
import { fiscalYearLabel, tokyoDateOf, type IsoDate } from '@shinchoku/sheets/domain/calendar';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Recorded, Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import { wardOf } from '@shinchoku/sheets/domain/ward';
import { decideWardPlan, evolveWardPlan, type WardPlan, type WardPlanCommand } from '@shinchoku/sheets/domain/ward-plan';
import { DocumentError, type Location, type SheetDraft, type WardPlanDraft } from '../drafts';
import { readDocumentFile, type DocumentFormat } from '../read-file';
import { dryRun, type Step } from './dry-run';
import { ForeignIdError, StaleWorkbookError } from './import-errors';
import { merge, narrowed, touches, type Conflict } from './stale';

export interface ImportReport {
  file: string;
  sha256: string;
  format: DocumentFormat;
  sheets: number;
  goals: number;
  indicators: number;
  wardPlans: number;
  priorityGoals: number;
  /** Commands that changed something (or would, in a dry run); 0 when the same file is imported again. */
  commands: number;
  events: number;
  /** Cells changed since the workbook was exported that it changes too: overwritten with force, shown by a dry run. */
  conflicts: Conflict[];
  dryRun?: true;
}

export interface ImportOptions {
  /** Overwrite cells changed by others since the workbook's version (recorded on the events as `forced`). */
  force?: boolean;
  /** Plan and report, append nothing. */
  dryRun?: boolean;
}

/** What an import would write to: each sheet's unit, and each ward plan's department. */
export interface ImportScope {
  kind: 'sheet' | 'wardPlan';
  department: string;
  unit?: string;
}

interface Plan<S, C> {
  id: string;
  version: number;
  state: S | undefined;
  steps: Array<Step<C> & { forced?: { sinceVersion: number } }>;
}

/** A stream as read before planning: its state, version and events. */
interface Loaded<S> {
  state: S | undefined;
  version: number;
  events: StoredEvent[];
}

interface LocatedSheet extends Loaded<Sheet> {
  draft: SheetDraft;
  sheetId: string;
}

interface LocatedWardPlan extends Loaded<WardPlan> {
  draft: WardPlanDraft;
  wardPlanId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARALLEL_STREAMS = 4;
/** Tries of the whole import when another writer moved one of its streams on between reading and appending. */
const CONCURRENT_RETRIES = 3;

/**
 * Imports a document through the same commands a person would give, with source 'import' and
 * the file's name and SHA-256 on every event. What it creates is named after what it read (the
 * unit and year, the goal's number, the indicator's place), or after the ids a workbook exported
 * by shinchoku carries, so importing the same file again finds everything in place and appends
 * nothing. Every command is decided against the current state first (a dry run of the domain's
 * decide): a document that breaks a rule anywhere imports nothing, and the error names its line
 * and cell. The commands of every stream are then appended in one transaction: all or nothing.
 */
export class DocumentImporter {
  constructor(
    private readonly sheets: SheetCommands,
    private readonly wardPlans: WardPlanCommands,
    private readonly queries: SheetQueries,
    private readonly clock: Clock,
  ) {}

  /**
   * `authorize` sees every scope the document writes to before anything is planned, and again the
   * scopes of the existing sheets and ward plans its ids name; it may throw to refuse them.
   */
  async import(
    name: string,
    content: Buffer,
    actor: Actor,
    authorize: (scopes: ImportScope[]) => void = () => {},
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    const read = await readDocumentFile(name, content);
    const { draft } = read;
    authorize([
      ...draft.wardPlans.map(({ department }): ImportScope => ({ kind: 'wardPlan', department })),
      ...draft.sheets.map(({ department, unit }): ImportScope => ({ kind: 'sheet', department, unit })),
    ]);
    const goals = draft.sheets.flatMap((sheet) => sheet.goals);
    const report = (outcome: Pick<ImportReport, 'commands' | 'events' | 'conflicts'>): ImportReport => ({
      file: name,
      sha256: read.sha256,
      format: read.format,
      sheets: draft.sheets.length,
      goals: goals.length,
      indicators: goals.reduce((sum, goal) => sum + goal.indicators.length, 0),
      wardPlans: draft.wardPlans.length,
      priorityGoals: draft.wardPlans.reduce((sum, plan) => sum + plan.priorityGoals.length, 0),
      ...outcome,
      ...(options.dryRun && { dryRun: true as const }),
    });
    const from = { actor, source: 'import', document: { name, sha256: read.sha256 } satisfies SourceDocument };

    for (let attempt = 1; ; attempt++) {
      const today = tokyoDateOf(this.clock.now());
      const [wardPlans, sheets] = await Promise.all([
        Promise.all(draft.wardPlans.map((plan) => this.locateWardPlan(plan))),
        mapLimited(checkUnique(draft.sheets), PARALLEL_STREAMS, (sheet) => this.locateSheet(sheet)),
      ]);
      await this.checkOwners(sheets);
      authorize([
        ...wardPlans.flatMap(({ state }): ImportScope[] => (state ? [{ kind: 'wardPlan', department: state.department }] : [])),
        ...sheets.flatMap(({ state }): ImportScope[] => (state ? [{ kind: 'sheet', department: state.department, unit: state.unit }] : [])),
      ]);
      const wardPlanPlans = wardPlans.map((plan) => planWardPlan(plan, today, name));
      const sheetPlans = sheets.map((sheet) => planSheet(sheet, today, name, options.force ?? false));
      const conflicts = sheetPlans.flatMap((plan) => plan.conflicts);
      if (conflicts.length > 0 && !options.force && !options.dryRun) throw new StaleWorkbookError(conflicts);
      const commands = [...wardPlanPlans, ...sheetPlans.map(({ plan }) => plan)].reduce((sum, plan) => sum + plan.steps.length, 0);
      if (options.dryRun) return report({ commands, events: 0, conflicts });

      const steps = <S, C>(plan: Plan<S, C>) =>
        plan.steps.map((step) => ({ command: step.command, from: { ...from, today: step.today, ...(step.forced && { forced: step.forced }) } }));
      const prepared = [
        ...wardPlanPlans.map((plan) => this.wardPlans.prepare(plan.id, plan.version, plan.state, steps(plan))),
        ...sheetPlans.map(({ plan }) => this.sheets.prepare(plan.id, plan.version, plan.state, steps(plan))),
      ].filter((p) => p !== undefined);
      try {
        const results = prepared.length > 0 ? await this.sheets.appendTogether(prepared) : [];
        return report({ commands, events: results.reduce((sum, r) => sum + (r.duplicate ? 0 : r.toVersion - r.fromVersion + 1), 0), conflicts });
      } catch (error) {
        // Another writer got in between reading and appending: plan again on what it left.
        if ((error instanceof WrongExpectedVersionError || uniqueViolation(error)) && attempt < CONCURRENT_RETRIES) continue;
        throw error;
      }
    }
  }

  private async locateSheet(draft: SheetDraft): Promise<LocatedSheet> {
    const sheetId = idOf(draft.sheetId, draft.at, 'import', 'sheet', String(draft.fiscalYear), draft.department, draft.unit);
    const [loaded, taken] = await Promise.all([
      this.sheets.load(sheetId),
      this.queries.sheets({ fiscalYear: draft.fiscalYear, department: draft.department, unit: draft.unit }, 1),
    ]);
    const { state } = loaded;
    if (state && (wardOf(state.department) !== wardOf(draft.department) || state.unit !== draft.unit)) {
      throw new ForeignIdError(draft.at, `the sheetId ${sheetId} names the sheet of ${state.department} ${state.unit}, not of ${draft.department} ${draft.unit} as the document says`);
    }
    if (state && state.fiscalYear !== draft.fiscalYear) {
      throw new DocumentError(draft.at, `the sheetId ${sheetId} names the sheet for ${fiscalYearLabel(state.fiscalYear)}, not ${fiscalYearLabel(draft.fiscalYear)}`, 'IdMismatch');
    }
    const other = taken.items[0]?.sheet.sheetId;
    if (other && other !== sheetId) {
      throw new DocumentError(
        draft.at,
        `${draft.department} ${draft.unit} already has a sheet for ${fiscalYearLabel(draft.fiscalYear)} (${other}) that this document did not create`,
        'SheetAlreadyExists',
      );
    }
    return { draft, sheetId, ...loaded };
  }

  /**
   * Goal and indicator ids a workbook carries must not belong to another sheet: not on the sheet
   * they are under (nor on it as exported), they are new ids, unless the indicator rows place
   * them on another sheet.
   */
  private async checkOwners(sheets: readonly LocatedSheet[]): Promise<void> {
    const strangers = new Map<string, { sheetId: string; at: Location; what: string }>();
    for (const { draft, sheetId, state, events } of sheets) {
      const base = draft.version !== undefined ? foldSheet(events.slice(0, draft.version)) : undefined;
      const known = new Set([state, base].flatMap((s) => s?.goals.flatMap((g) => [g.goalId, ...g.indicators.map((i) => i.indicatorId)]) ?? []));
      for (const goal of draft.goals) {
        if (goal.goalId && !known.has(goal.goalId.toLowerCase())) strangers.set(goal.goalId.toLowerCase(), { sheetId, at: goal.at, what: `goal ${goal.no}` });
        for (const indicator of goal.indicators) {
          const id = indicator.indicatorId?.toLowerCase();
          if (id && !known.has(id)) strangers.set(id, { sheetId, at: indicator.at, what: `indicator ${indicator.name}` });
        }
      }
    }
    const ids = [...strangers.keys()].filter((id) => UUID.test(id));
    const owners = await this.queries.owners(ids, ids);
    for (const owner of owners) {
      for (const id of [owner.goalId, owner.indicatorId]) {
        const stranger = strangers.get(id);
        if (stranger && stranger.sheetId !== owner.sheetId) {
          throw new ForeignIdError(stranger.at, `the id of ${stranger.what} (${id}) belongs to another sheet (${owner.sheetId})`);
        }
      }
    }
  }

  private async locateWardPlan(draft: WardPlanDraft): Promise<LocatedWardPlan> {
    const wardPlanId = idOf(draft.wardPlanId, draft.at, 'import', 'ward-plan', String(draft.fiscalYear), draft.department);
    const [loaded, taken] = await Promise.all([
      this.wardPlans.load(wardPlanId),
      this.queries.wardPlans({ department: draft.department, fiscalYear: draft.fiscalYear }),
    ]);
    const { state } = loaded;
    if (state && (wardOf(state.department) !== wardOf(draft.department) || state.fiscalYear !== draft.fiscalYear)) {
      throw new ForeignIdError(draft.at, `the wardPlanId ${wardPlanId} names the ward plan of ${state.department} for ${fiscalYearLabel(state.fiscalYear)}, not the one the document describes`);
    }
    const other = taken[0]?.plan.wardPlanId;
    if (other && other !== wardPlanId) {
      throw new DocumentError(draft.at, `${draft.department} already has a ward plan for ${fiscalYearLabel(draft.fiscalYear)} (${other}) that this document did not create`, 'WardPlanAlreadyExists');
    }
    return { draft, wardPlanId, ...loaded };
  }
}

const foldSheet = (events: readonly StoredEvent[], from?: Sheet) => events.reduce<Sheet | undefined>((state, event) => evolve(state, event as unknown as SheetEvent), from);
const reopened = (sheet: Sheet): Sheet => ({ ...sheet, status: 'active' });

/**
 * The commands for a sheet. A workbook exported at an older version than the sheet's writes only
 * the cells it changed since that version (the others keep their newer values); a cell changed on
 * both sides is a conflict, written only with `force`, and then marked as forced on its events.
 */
function planSheet(located: LocatedSheet, today: IsoDate, file: string, force: boolean): { plan: Plan<Sheet, SheetCommand>; conflicts: Conflict[] } {
  const { draft, sheetId, state, version, events } = located;
  const plan = (steps: Array<Step<SheetCommand>>) => ({ id: sheetId, version, state, steps });
  const exported = draft.version;
  if (!state || exported === undefined || exported >= version) {
    return { plan: plan(dryRun(sheetSteps(draft, sheetId, state, today), state, decide, evolve, file, reopened).steps), conflicts: [] };
  }
  const base = foldSheet(events.slice(0, exported))!;
  const edited = dryRun(sheetSteps(draft, sheetId, base, today), base, decide, evolve, file, reopened).state;
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
        baselines: indicator.baselines.map((b) => ({ fiscalYear: b.fiscalYear, actual: parseMeasurement(b.actual) })),
        ...(indicator.notes !== undefined && { notes: indicator.notes }),
      };
      const defined = state?.goals.flatMap((g) => g.indicators).find((i) => i.indicatorId === indicatorId);
      if (!defined) {
        add({ type: 'DefineIndicator', goalId, indicatorId, ...indicatorDetails, ...(indicator.target !== undefined && { target: indicator.target }) }, indicator.at, planned);
      } else {
        add({ type: 'ReviseIndicator', indicatorId, changes: indicatorDetails }, indicator.at, planned);
        if (indicator.target !== undefined) add({ type: 'SetTarget', indicatorId, text: indicator.target }, indicator.cells.target ?? indicator.at, planned);
      }
      // A layout without notes leaves the recorded ones alone; one with notes states them all.
      const noteOf = (key: 1 | 2 | 3 | 4 | 'result', recorded?: Recorded) => {
        const note = indicator.recordedNotes ? indicator.recordedNotes[key] : recorded?.note;
        return note === undefined ? {} : { note };
      };
      for (const [key, value] of Object.entries(indicator.progress)) {
        const quarter = Number(key) as 1 | 2 | 3 | 4;
        add({ type: 'RecordProgress', indicatorId, quarter, value, ...noteOf(quarter, defined?.progress[quarter]) }, indicator.cells.progress[quarter] ?? indicator.at);
      }
      if (indicator.result !== undefined) {
        add({ type: 'RecordResult', indicatorId, value: indicator.result, ...noteOf('result', defined?.result) }, indicator.cells.result ?? indicator.at);
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

function planWardPlan({ draft, wardPlanId, state, version }: LocatedWardPlan, today: IsoDate, file: string): Plan<WardPlan, WardPlanCommand> {
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
function idOf(given: string | undefined, at: Location, ...parts: string[]): string {
  if (given === undefined) return uuidFrom(...parts);
  if (!UUID.test(given)) throw new DocumentError(at, `"${given}" is not an id shinchoku gave out (a UUID)`);
  return given.toLowerCase();
}

/** One worksheet per unit and year, and per sheetId: two would plan on the same stream. */
function checkUnique(sheets: SheetDraft[]): SheetDraft[] {
  const seen = new Set<string>();
  for (const sheet of sheets) {
    const key = `${sheet.fiscalYear}\n${sheet.department}\n${sheet.unit}`;
    if (seen.has(key)) throw new DocumentError(sheet.at, `${sheet.department} ${sheet.unit} appears twice for ${fiscalYearLabel(sheet.fiscalYear)}`, 'SheetAlreadyExists');
    const id = sheet.sheetId?.toLowerCase();
    if (id && seen.has(id)) throw new DocumentError(sheet.at, `the sheetId ${id} appears on two worksheets`, 'SheetAlreadyExists');
    seen.add(key);
    if (id) seen.add(id);
  }
  return sheets;
}

function uniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

