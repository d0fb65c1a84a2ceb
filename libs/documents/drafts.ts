import type { Initiative, Measure, ProgressEntry, Sheet, SheetStatus, Rating, RatingProfile, WardPlan } from '@shinchoku/sheets/domain';
import type { IsoDate } from '@shinchoku/municipality';
import type { ProblemCode } from '@shinchoku/http';

/** Where something was read: the line (a text line, or a worksheet row) and the cell, for error messages. */
export interface Location {
  line: number;
  /** "5 (R6目標)" in a text document, "地域課!E14" in a workbook. */
  cell?: string;
}

/** A document that cannot be read completely: nothing of it is imported. */
export class DocumentError extends Error {
  constructor(
    readonly at: Location,
    readonly reason: string,
    readonly code: ProblemCode = 'UnreadableDocument',
  ) {
    super(`line ${at.line}${at.cell ? `, cell ${at.cell}` : ''}: ${reason}`);
  }
}

/**
 * What a document says, as plain data: no ids unless the document carries them (a workbook this
 * system exported), and every value as written. The importer turns drafts into commands.
 */
export interface IndicatorDraft {
  at: Location;
  /** Where the target, each quarter and the result were read, for errors about them. */
  cells: { target?: Location; result?: Location; progress: Partial<Record<1 | 2 | 3 | 4, Location>> };
  indicatorId?: string;
  name: string;
  unit?: string;
  measure?: Measure;
  /** Absent when the layout has no such cell (a published document, a workbook made before it): then the command's default, or what is recorded, holds. */
  progressEntry?: ProgressEntry;
  notes?: string;
  baselines: Array<{ fiscalYear: number; actual: string }>;
  target?: string;
  progress: Partial<Record<1 | 2 | 3 | 4, string>>;
  result?: string;
  /**
   * The note recorded with a quarter's value or the result, from layouts that keep notes (a
   * workbook's cell comments). Absent when the layout has no place for notes: then the notes
   * already recorded stay as they are.
   */
  recordedNotes?: Partial<Record<1 | 2 | 3 | 4 | 'result', string>>;
}

export interface GoalDraft {
  at: Location;
  goalId?: string;
  no: number;
  text: string;
  priorityGoalNo?: number;
  planRefs: string[];
  initiatives: Initiative[];
  indicators: IndicatorDraft[];
  evaluation?: { at: Location; rating: Rating; status?: string; policy?: string; reason?: string; evaluatedOn?: IsoDate };
}

/** A sheet as a document states it: its id only when a workbook exported by shinchoku carries one. */
export interface SheetDraft extends Omit<Sheet, 'sheetId' | 'status' | 'ratingProfile' | 'goals'> {
  at: Location;
  sheetId?: string;
  /** The sheet's version when the workbook was exported: what its values are compared with on import. */
  version?: number;
  status?: SheetStatus;
  ratingProfile?: RatingProfile;
  goals: GoalDraft[];
}

export interface WardPlanDraft extends Omit<WardPlan, 'wardPlanId' | 'evaluation'> {
  at: Location;
  wardPlanId?: string;
  evaluation?: { at: Location; achievedCount: number; status?: string; direction?: string; evaluatedOn?: IsoDate };
}

export interface DocumentDraft {
  wardPlans: WardPlanDraft[];
  sheets: SheetDraft[];
}
