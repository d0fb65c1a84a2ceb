import { WrongExpectedVersionError, type Actor, type SourceDocument } from '@shinchoku/event-store';
import type { Clock } from '@shinchoku/runtime';
import { SheetCommands, SheetQueries, WardPlanCommands } from '@shinchoku/sheets';
import { fiscalYearLabel, tokyoDateOf, departmentName } from '@shinchoku/municipality';
import { DocumentError, type Location, type SheetDraft, type WardPlanDraft } from '../drafts';
import type { DocumentFormat } from '../read-file';
import { DocumentReader } from '../reading/document-reader';
import { ForeignIdError, StaleWorkbookError } from './import-errors';
import { foldSheet, idOf, planSheet, planWardPlan, UUID, type LocatedSheet, type LocatedWardPlan, type Plan } from './plans';
import type { Conflict } from './stale';

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
    private readonly reader = new DocumentReader(),
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
    const read = await this.reader.read(name, content);
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

    // Checked before any read starts: a refusal must leave no query running behind it.
    const sheetDrafts = checkUnique(draft.sheets);
    for (let attempt = 1; ; attempt++) {
      const today = tokyoDateOf(this.clock.now());
      const [wardPlans, sheets] = await Promise.all([
        Promise.all(draft.wardPlans.map((plan) => this.locateWardPlan(plan))),
        mapLimited(sheetDrafts, PARALLEL_STREAMS, (sheet) => this.locateSheet(sheet)),
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
        plan.steps.map((step) => ({
          command: step.command,
          from: { ...from, today: step.today, ...(step.forced && { forced: step.forced }) },
        }));
      const prepared = [
        ...wardPlanPlans.map((plan) => this.wardPlans.prepare(plan.id, plan.version, plan.state, steps(plan))),
        ...sheetPlans.map(({ plan }) => this.sheets.prepare(plan.id, plan.version, plan.state, steps(plan))),
      ].filter((p) => p !== undefined);
      try {
        const results = prepared.length > 0 ? await this.sheets.appendTogether(prepared) : [];
        return report({
          commands,
          events: results.reduce((sum, r) => sum + (r.duplicate ? 0 : r.toVersion - r.fromVersion + 1), 0),
          conflicts,
        });
      } catch (error) {
        // Another writer got in between reading and appending: plan again on what it left.
        if ((error instanceof WrongExpectedVersionError || uniqueViolation(error)) && attempt < CONCURRENT_RETRIES) continue;
        throw error;
      }
    }
  }

  private async locateSheet(draft: SheetDraft): Promise<LocatedSheet> {
    const taken = await this.queries.sheets({ fiscalYear: draft.fiscalYear, department: draft.department, unit: draft.unit }, 1);
    const sheetId = ownId(taken.items[0]?.sheet.sheetId, draft.department, (department) =>
      idOf(draft.sheetId, draft.at, 'import', 'sheet', String(draft.fiscalYear), department, draft.unit),
    );
    const loaded = await this.sheets.load(sheetId);
    const { state } = loaded;
    if (state && (departmentName(state.department) !== departmentName(draft.department) || state.unit !== draft.unit)) {
      throw new ForeignIdError(
        draft.at,
        `the sheetId ${sheetId} names the sheet of ${state.department} ${state.unit}, not of ${draft.department} ${draft.unit} as the document says`,
      );
    }
    if (state && state.fiscalYear !== draft.fiscalYear) {
      throw new DocumentError(
        draft.at,
        `the sheetId ${sheetId} names the sheet for ${fiscalYearLabel(state.fiscalYear)}, not ${fiscalYearLabel(draft.fiscalYear)}`,
        'IdMismatch',
      );
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
      const known = new Set(
        [state, base].flatMap((s) => s?.goals.flatMap((g) => [g.goalId, ...g.indicators.map((i) => i.indicatorId)]) ?? []),
      );
      for (const goal of draft.goals) {
        if (goal.goalId && !known.has(goal.goalId.toLowerCase()))
          strangers.set(goal.goalId.toLowerCase(), { sheetId, at: goal.at, what: `goal ${goal.no}` });
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
    const taken = await this.queries.wardPlans({ department: draft.department, fiscalYear: draft.fiscalYear });
    const wardPlanId = ownId(taken[0]?.plan.wardPlanId, draft.department, (department) =>
      idOf(draft.wardPlanId, draft.at, 'import', 'ward-plan', String(draft.fiscalYear), department),
    );
    const loaded = await this.wardPlans.load(wardPlanId);
    const { state } = loaded;
    if (state && (departmentName(state.department) !== departmentName(draft.department) || state.fiscalYear !== draft.fiscalYear)) {
      throw new ForeignIdError(
        draft.at,
        `the wardPlanId ${wardPlanId} names the ward plan of ${state.department} for ${fiscalYearLabel(state.fiscalYear)}, not the one the document describes`,
      );
    }
    const other = taken[0]?.plan.wardPlanId;
    if (other && other !== wardPlanId) {
      throw new DocumentError(
        draft.at,
        `${draft.department} already has a ward plan for ${fiscalYearLabel(draft.fiscalYear)} (${other}) that this document did not create`,
        'WardPlanAlreadyExists',
      );
    }
    return { draft, wardPlanId, ...loaded };
  }
}

/**
 * The id of what the document names, derived from its department's one name; `taken` is what
 * that department already has. Imports made before departments had one name derived the id from
 * the name as the document spelt it (東区役所): what they created is still this document's own.
 */
function ownId(taken: string | undefined, spelt: string, derive: (department: string) => string): string {
  return taken !== undefined && taken === derive(spelt) ? taken : derive(departmentName(spelt));
}

/** One worksheet per unit and year, and per sheetId: two would plan on the same stream. */
function checkUnique(sheets: SheetDraft[]): SheetDraft[] {
  const seen = new Set<string>();
  for (const sheet of sheets) {
    const key = `${sheet.fiscalYear}\n${departmentName(sheet.department)}\n${sheet.unit}`;
    if (seen.has(key))
      throw new DocumentError(
        sheet.at,
        `${sheet.department} ${sheet.unit} appears twice for ${fiscalYearLabel(sheet.fiscalYear)}`,
        'SheetAlreadyExists',
      );
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
  const results: R[] = new Array<R>(items.length);
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
