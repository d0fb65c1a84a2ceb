import type { Actor, StoredEvent } from '@shinchoku/event-store';
import type { Undated } from '@shinchoku/sheets';
import { canonicalJson, evolve, type SheetCommand, type SheetEvent, type Recorded, type Sheet } from '@shinchoku/sheets/domain';

/** Where a cell of a sheet is, as a person finds it in the workbook. */
export interface CellPlace {
  goalNo?: number;
  goalId?: string;
  indicatorId?: string;
  indicator?: string;
  /** 'progress', 'result', 'target', 'evaluation', or the name of a sheet, goal or indicator field. */
  field: string;
  quarter?: 1 | 2 | 3 | 4;
}

/** A cell the workbook changed that someone else changed too since the workbook was exported. */
export interface Conflict extends CellPlace {
  sheetId: string;
  department: string;
  unit: string;
  /** The version the workbook was exported at. */
  exportedVersion: number;
  workbook: string | null;
  current: string | null;
  changedBy: Actor;
  changedAt: string;
  changedInVersion: number;
}

interface Cell {
  /** Canonical JSON: equal cells have equal text. */
  value: string;
  shown: string | null;
  place: CellPlace;
}

const SHEET_FIELDS = [
  'purpose',
  'policyIndicators',
  'contact',
  'approach',
  'resultSummary',
  'ratingProfile',
  'evaluationDate',
  'status',
] as const;
const GOAL_FIELDS = ['no', 'text', 'priorityGoalNo', 'planRefs', 'initiatives'] as const;
const INDICATOR_FIELDS = ['name', 'unit', 'measure', 'progressEntry', 'baselines', 'notes'] as const;

const shown = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
const recorded = (r: Recorded | undefined) => r && { text: r.value.text, ...(r.note !== undefined && { note: r.note }) };
const recordedShown = (r: Recorded | undefined) => (r ? (r.note ? `${r.value.text} (備考: ${r.note})` : r.value.text) : null);

/**
 * Every cell of a sheet a workbook can change, by key: the key names the thing (`indicator.<id>.progress.2`)
 * and is what a command touches (see keysOf). Goals and indicators also have a cell for being there at all.
 */
export function cellsOf(sheet: Sheet | undefined): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const put = (key: string, value: unknown, place: CellPlace, text = shown(value)) =>
    cells.set(key, { value: canonicalJson(value ?? null), shown: text, place });
  if (!sheet) return cells;
  for (const field of SHEET_FIELDS) put(`sheet.${field}`, sheet[field], { field });
  for (const goal of sheet.goals) {
    const at = { goalNo: goal.no, goalId: goal.goalId };
    put(`goal.${goal.goalId}`, true, { ...at, field: 'goal' }, goal.text);
    for (const field of GOAL_FIELDS) put(`goal.${goal.goalId}.${field}`, goal[field], { ...at, field });
    const evaluation = goal.evaluation && {
      rating: goal.evaluation.rating,
      status: goal.evaluation.status,
      policy: goal.evaluation.policy,
      reason: goal.evaluation.reason,
    };
    put(`goal.${goal.goalId}.evaluation`, evaluation, { ...at, field: 'evaluation' }, goal.evaluation?.rating ?? null);
    for (const indicator of goal.indicators) {
      const key = `indicator.${indicator.indicatorId}`;
      const where = { ...at, indicatorId: indicator.indicatorId, indicator: indicator.name };
      put(key, goal.goalId, { ...where, field: 'indicator' }, indicator.name);
      for (const field of INDICATOR_FIELDS)
        put(`${key}.${field}`, field === 'baselines' ? indicator.baselines.map((b) => [b.fiscalYear, b.actual.text]) : indicator[field], {
          ...where,
          field,
        });
      put(`${key}.target`, indicator.target?.text, { ...where, field: 'target' });
      for (const quarter of [1, 2, 3, 4] as const) {
        put(
          `${key}.progress.${quarter}`,
          recorded(indicator.progress[quarter]),
          { ...where, field: 'progress', quarter },
          recordedShown(indicator.progress[quarter]),
        );
      }
      put(`${key}.result`, recorded(indicator.result), { ...where, field: 'result' }, recordedShown(indicator.result));
    }
  }
  return cells;
}

/** The keys of the cells that differ between two sets of cells (a cell missing from one differs). */
function differing(a: Map<string, Cell>, b: Map<string, Cell>): Set<string> {
  const keys = new Set<string>();
  for (const [key, cell] of a) if (b.get(key)?.value !== cell.value) keys.add(key);
  for (const key of b.keys()) if (!a.has(key)) keys.add(key);
  return keys;
}

export interface Merge {
  /** Cells the workbook changed since its version: only these are written. */
  changed: Set<string>;
  /** Cells of `changed` that someone else changed too, to another value. */
  conflicts: Conflict[];
  conflicting: Set<string>;
}

/**
 * A three-way comparison of a sheet's cells: as exported (`base`, the state at the workbook's
 * version), as the workbook would leave them (`edited`: its commands decided on `base`), and as they
 * are now (`current`, after `since`, the events appended after that version). A cell the workbook
 * left as it was keeps the current value; a cell changed on both sides to different values is a
 * conflict, blamed on the last event that changed it.
 */
export function merge(
  base: Sheet,
  edited: Sheet | undefined,
  current: Sheet,
  since: readonly StoredEvent[],
  exportedVersion: number,
): Merge {
  const [before, mine, now] = [cellsOf(base), cellsOf(edited), cellsOf(current)];
  const changed = differing(before, mine);
  const theirs = differing(before, now);
  const conflicting = new Set([...changed].filter((key) => theirs.has(key) && mine.get(key)?.value !== now.get(key)?.value));
  const blame = new Map<string, StoredEvent>();
  if (conflicting.size > 0) {
    let state: Sheet | undefined = base;
    let cells = before;
    for (const event of since) {
      state = evolve(state, event as unknown as SheetEvent);
      const next = cellsOf(state);
      for (const key of conflicting) if (next.get(key)?.value !== cells.get(key)?.value) blame.set(key, event);
      cells = next;
    }
  }
  const conflicts = [...conflicting].map((key): Conflict => {
    const cell = (mine.get(key) ?? now.get(key) ?? before.get(key))!;
    const by = blame.get(key) ?? since.at(-1)!;
    return {
      sheetId: current.sheetId,
      department: current.department,
      unit: current.unit,
      ...cell.place,
      exportedVersion,
      workbook: mine.get(key)?.shown ?? null,
      current: now.get(key)?.shown ?? null,
      changedBy: { id: by.metadata.actor.id, name: by.metadata.actor.name },
      changedAt: by.recordedAt.toISOString(),
      changedInVersion: by.version,
    };
  });
  return { changed, conflicts, conflicting };
}

/**
 * The part of a command that writes cells in `keep`; undefined when none. A command that creates
 * the sheet is kept whole; so is one adding a goal or indicator the workbook added (its cell is changed).
 */
export function narrowed(command: Undated<SheetCommand>, keep: ReadonlySet<string>): Undated<SheetCommand> | undefined {
  const keys = written(command);
  if (keys === undefined) return command;
  if (!('changes' in command)) return keep.has(keys[0]!) ? command : undefined;
  const changes = Object.fromEntries(Object.entries(command.changes).filter((_, i) => keep.has(keys[i]!)));
  return Object.keys(changes).length > 0 ? { ...command, changes } : undefined;
}

/** Whether a command writes one of `keys`. */
export const touches = (command: Undated<SheetCommand>, keys: ReadonlySet<string>): boolean =>
  written(command)?.some((key) => keys.has(key)) ?? false;

/** The cells a command writes (one per field of a Revise…, in the order of its changes); undefined for a new sheet. */
function written(command: Undated<SheetCommand>): string[] | undefined {
  switch (command.type) {
    case 'ReviseSheet':
      return Object.keys(command.changes).map((field) => `sheet.${field}`);
    case 'ReviseGoal':
      return Object.keys(command.changes).map((field) => `goal.${command.goalId}.${field}`);
    case 'ReviseIndicator':
      return Object.keys(command.changes).map((field) => `indicator.${command.indicatorId}.${field}`);
    case 'AddGoal':
      return [`goal.${command.goalId}`];
    case 'DefineIndicator':
      return [`indicator.${command.indicatorId}`];
    case 'SetTarget':
      return [`indicator.${command.indicatorId}.target`];
    case 'RecordProgress':
      return [`indicator.${command.indicatorId}.progress.${command.quarter}`];
    case 'RecordResult':
      return [`indicator.${command.indicatorId}.result`];
    case 'Evaluate':
      return [`goal.${command.goalId}.evaluation`];
    case 'SetEvaluationDate':
      return ['sheet.evaluationDate'];
    case 'CloseSheet':
      return ['sheet.status'];
    default:
      return undefined;
  }
}
