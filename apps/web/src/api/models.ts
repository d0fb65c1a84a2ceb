/**
 * The response shapes the pages read. TO BE REPLACED by the generated `components['schemas']`
 * types of @shinchoku/api-client once the OpenAPI document describes its responses (issue #11):
 * today's document has request schemas only. Kept in this one file so the swap touches one place.
 */

export type Rating = '○' | '△' | '×';
export type ProgressState = 'onTrack' | 'atRisk' | 'offTrack' | 'noData';
export type SheetStatus = 'draft' | 'active' | 'closed';
export type Quarter = 1 | 2 | 3 | 4;

export interface Measurement {
  text: string;
  value?: number;
}

export interface Recorded {
  value: Measurement;
  note?: string;
  reason?: string;
}

export interface Target {
  kind: string;
  text: string;
  value?: number;
  comparator?: string;
  unit?: string;
}

export interface QuarterProgress {
  quarter: Quarter;
  state: ProgressState;
  achievementRate?: number;
  expectedToDate?: number;
  actualToDate?: number;
}

export interface IndicatorWarning {
  code: string;
  message: string;
}

export interface IndicatorView {
  indicatorId: string;
  name: string;
  unit?: string;
  measure: string;
  progressEntry: 'toDate' | 'quarter' | null;
  target?: Target;
  progress: Partial<Record<`${Quarter}`, Recorded>>;
  result?: Recorded;
  achievement: { status: string } | null;
  progressState: { latest: QuarterProgress | null; quarters: QuarterProgress[] };
  warnings: IndicatorWarning[];
}

export interface Evaluation {
  rating: Rating;
  suggestedRating: Rating | null;
  status?: string;
  policy?: string;
  reason?: string;
  evaluatedOn: string;
}

export interface GoalView {
  goalId: string;
  no: number;
  text: string;
  priorityGoalNo?: number;
  initiatives: Array<{ name: string; description?: string }>;
  indicators: IndicatorView[];
  evaluation?: Evaluation;
  suggestedRating: Rating | null;
  progressState: ProgressState;
}

export interface SheetView {
  sheetId: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  department: string;
  unit: string;
  status: SheetStatus;
  purpose?: string;
  policyIndicators?: string[];
  contact?: string;
  createdOn: string;
  amendedOn?: string;
  evaluationDate?: string;
  goals: GoalView[];
  /** Present on a sheet as it was (?asOf=, ?version=). */
  version?: number;
  asOf?: string;
}

export interface SheetListItem {
  sheetId: string;
  version: number;
  fiscalYear: number;
  fiscalYearLabel: string;
  department: string;
  unit: string;
  status: SheetStatus;
  evaluationDate: string | null;
  progressState: ProgressState;
  goals: number;
  evaluated: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface AuditEntry {
  version: number;
  at: string;
  actor: { id: string; name: string };
  command: string;
  reason?: string;
  source: string;
  changes: Array<{ path: string; before: unknown; after: unknown }>;
}

export interface WardSummary {
  ward: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  goalCount: number;
  achievedCount: number;
  priorityGoals: Array<{
    no: number;
    text: string;
    achieved: boolean;
    goals: Array<{ sheetId: string; unit: string; goalNo: number; text: string; rating: Rating | null }>;
  }>;
  sheets: number;
  ratings: Record<Rating | 'unevaluated', number>;
  indicatorsAtRisk: Array<{
    sheetId: string;
    unit: string;
    goalNo: number;
    indicator: string;
    quarter: Quarter;
    state: 'atRisk' | 'offTrack';
    achievementRate?: number;
  }>;
  updatedThrough: string | null;
}

export interface UnitCompletion {
  ward: string;
  sheetId: string;
  department: string;
  unit: string;
  indicators: number;
  quarters: Record<`${Quarter}`, { recorded: number; missing: string[]; due: boolean }>;
}

export interface FiscalYearSummary {
  fiscalYear: number;
  units: UnitCompletion[];
}

export interface Reminder {
  reminderId: string;
  sheetId: string;
  kind: 'evaluation' | 'progress' | 'overdue';
  dueOn: string;
  quarter: Quarter | null;
  sendOn: string;
  sendAt: string;
  recipient: { name: string | null; role: string; address: string | null };
  channel: string;
  status: 'planned' | 'sent' | 'cancelled' | 'failed';
  reason: string | null;
  finishedAt: string | null;
}

export interface Contact {
  contactId: string;
  department: string;
  unit: string | null;
  name: string;
  role: string;
  email: string | null;
  webhookUrl: string | null;
}

export interface ImportConflict {
  sheetId: string;
  unit: string;
  indicator?: string;
  field: string;
  workbook: string | null;
  current: string | null;
  changedBy: { id: string; name: string };
  changedAt: string;
}

export interface ImportReport {
  file: string;
  format: string;
  sheets: number;
  goals: number;
  indicators: number;
  wardPlans: number;
  priorityGoals: number;
  commands: number;
  events: number;
  conflicts: ImportConflict[];
  dryRun?: true;
}

/** application/problem+json, as every refusal is answered. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}
