import type { Actor, SourceDocument } from '@shinchoku/event-store';
import { uuidFrom } from '@shinchoku/http';
import type { Clock } from '@shinchoku/runtime';
import { SheetCommands, SheetQueries, WardPlanCommands } from '@shinchoku/sheets';
import type { CommandOutcome, CommandSource, Undated } from '@shinchoku/sheets/application/command-runner';
import { fiscalYearLabel, tokyoDateOf, type IsoDate } from '@shinchoku/sheets/domain/calendar';
import { departmentName } from '@shinchoku/sheets/domain/department';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import type { Recorded } from '@shinchoku/sheets/domain/sheet.types';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import { decideWardPlan, evolveWardPlan, type WardPlanCommand } from '@shinchoku/sheets/domain/ward-plan';
import { DocumentError, type Location, type SheetDraft, type WardPlanDraft } from '../drafts';
import type { DocumentFormat } from '../read-file';
import { DocumentReader } from '../reading/document-reader';
import { dryRun, type Step } from './dry-run';

export interface ImportReport {
  file: string;
  sha256: string;
  format: DocumentFormat;
  sheets: number;
  goals: number;
  indicators: number;
  wardPlans: number;
  priorityGoals: number;
  /** Commands that changed something; 0 when the same file is imported again. */
  commands: number;
  events: number;
}


/** What an import would write to: each sheet's unit, and each ward plan's department. */
export interface ImportScope {
  kind: 'sheet' | 'wardPlan';
  department: string;
  unit?: string;
}

interface Runner<C> {
  run(id: string, command: Undated<C>, from: CommandSource): Promise<CommandOutcome>;
}

interface Plan<C> {
  id: string;
  steps: Array<Step<C>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARALLEL_STREAMS = 4;

/**
 * Imports a document through the same commands a person would give, with source 'import' and
 * the file's name and SHA-256 on every event. What it creates is named after what it read (the
 * unit and year, the goal's number, the indicator's place), or after the ids a workbook exported
 * by shinchoku carries, so importing the same file again finds everything in place and appends
 * nothing. Every command is decided against the current state first (a dry run of the domain's
 * decide): a document that breaks a rule anywhere imports nothing, and the error names its line and cell.
 */
export class DocumentImporter {
  constructor(
    private readonly sheets: SheetCommands,
    private readonly wardPlans: WardPlanCommands,
    private readonly queries: SheetQueries,
    private readonly clock: Clock,
    private readonly reader = new DocumentReader(),
  ) {}

  /** `authorize` sees every scope the document writes to before anything is planned, and may throw to refuse it. */
  async import(name: string, content: Buffer, actor: Actor, authorize: (scopes: ImportScope[]) => void = () => {}): Promise<ImportReport> {
    const read = await this.reader.read(name, content);
    const { draft } = read;
    authorize([
      ...draft.wardPlans.map(({ department }): ImportScope => ({ kind: 'wardPlan', department })),
      ...draft.sheets.map(({ department, unit }): ImportScope => ({ kind: 'sheet', department, unit })),
    ]);
    const document: SourceDocument = { name, sha256: read.sha256 };
    const today = tokyoDateOf(this.clock.now());
    const wardPlans = await Promise.all(draft.wardPlans.map((plan) => this.planWardPlan(plan, today, name)));
    const sheets = await mapLimited(checkUnique(draft.sheets), PARALLEL_STREAMS, (sheet) => this.planSheet(sheet, today, name));

    const outcome = { commands: 0, events: 0 };
    const execute = <C>(runner: Runner<C>, plans: Array<Plan<C>>) =>
      mapLimited(plans, PARALLEL_STREAMS, async (plan) => {
        for (const step of plan.steps) {
          const { appended } = await runner.run(plan.id, step.command, { actor, source: 'import', document, today: step.today });
          outcome.events += appended;
        }
        outcome.commands += plan.steps.length;
      });
    await execute(this.wardPlans, wardPlans);
    await execute(this.sheets, sheets);
    const goals = draft.sheets.flatMap((sheet) => sheet.goals);
    return {
      file: name,
      sha256: read.sha256,
      format: read.format,
      sheets: draft.sheets.length,
      goals: goals.length,
      indicators: goals.reduce((sum, goal) => sum + goal.indicators.length, 0),
      wardPlans: draft.wardPlans.length,
      priorityGoals: draft.wardPlans.reduce((sum, plan) => sum + plan.priorityGoals.length, 0),
      ...outcome,
    };
  }

  private async planSheet(draft: SheetDraft, today: IsoDate, file: string): Promise<Plan<SheetCommand>> {
    const taken = await this.queries.sheets({ fiscalYear: draft.fiscalYear, department: draft.department, unit: draft.unit }, 1);
    const other = taken.items[0]?.sheet.sheetId;
    const sheetId = ownId(other, draft.department, (department) => idOf(draft.sheetId, draft.at, 'import', 'sheet', String(draft.fiscalYear), department, draft.unit));
    const { state } = await this.sheets.load(sheetId);
    if (other && other !== sheetId) {
      throw new DocumentError(
        draft.at,
        `${draft.department} ${draft.unit} already has a sheet for ${fiscalYearLabel(draft.fiscalYear)} (${other}) that this document did not create`,
        'SheetAlreadyExists',
      );
    }
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
    return { id: sheetId, steps: dryRun(steps, state, decide, evolve, file, (sheet) => ({ ...sheet, status: 'active' as const })) };
  }

  private async planWardPlan(draft: WardPlanDraft, today: IsoDate, file: string): Promise<Plan<WardPlanCommand>> {
    const other = (await this.queries.wardPlans({ department: draft.department, fiscalYear: draft.fiscalYear }))[0]?.plan.wardPlanId;
    const wardPlanId = ownId(other, draft.department, (department) => idOf(draft.wardPlanId, draft.at, 'import', 'ward-plan', String(draft.fiscalYear), department));
    const { state } = await this.wardPlans.load(wardPlanId);
    if (other && other !== wardPlanId) {
      throw new DocumentError(draft.at, `${draft.department} already has a ward plan for ${fiscalYearLabel(draft.fiscalYear)} (${other}) that this document did not create`, 'WardPlanAlreadyExists');
    }
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
    return { id: wardPlanId, steps: dryRun(steps, state, decideWardPlan, evolveWardPlan, file) };
  }
}

/** A workbook's id, checked; or the id derived from what the document says. */
function idOf(given: string | undefined, at: Location, ...parts: string[]): string {
  if (given === undefined) return uuidFrom(...parts);
  if (!UUID.test(given)) throw new DocumentError(at, `"${given}" is not an id shinchoku gave out (a UUID)`);
  return given.toLowerCase();
}

/**
 * The id of what the document names, derived from its department's one name; `taken` is what
 * that department already has. Imports made before departments had one name derived the id from
 * the name as the document spelt it (東区役所): what they created is still this document's own.
 */
function ownId(taken: string | undefined, spelt: string, derive: (department: string) => string): string {
  return taken !== undefined && taken === derive(spelt) ? taken : derive(departmentName(spelt));
}

function checkUnique(sheets: SheetDraft[]): SheetDraft[] {
  const seen = new Set<string>();
  for (const sheet of sheets) {
    const key = `${sheet.fiscalYear}\n${departmentName(sheet.department)}\n${sheet.unit}`;
    if (seen.has(key)) throw new DocumentError(sheet.at, `${sheet.department} ${sheet.unit} appears twice for ${fiscalYearLabel(sheet.fiscalYear)}`, 'SheetAlreadyExists');
    seen.add(key);
  }
  return sheets;
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

