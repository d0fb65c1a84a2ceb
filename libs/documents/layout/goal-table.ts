import { parseFiscalYear, parseJapaneseDate } from '@shinchoku/municipality';
import type { Measure, ProgressEntry } from '@shinchoku/sheets/domain';
import type { GoalDraft, IndicatorDraft } from '../drafts';
import { Row, at, bulletItems, cleanCell, fail, labelOf, ratingOf, wholeNumber } from './cells';

type Quarter = 1 | 2 | 3 | 4;

/** Which column holds what, found from the table's two heading rows. */
interface Columns {
  headings: string[];
  no: number;
  goal: number;
  priorityGoalNo?: number;
  planRefs?: number;
  indicator: number;
  unit?: number;
  baselines: Array<{ index: number; fiscalYear: number }>;
  target?: number;
  progress: Array<{ index: number; quarter: Quarter }>;
  result?: number;
  notes?: number;
  /** One cell listing the initiatives as bullets (the 東区 layout). */
  initiatives?: number;
  initiativeName?: number;
  initiativeDescription?: number;
  rating?: number;
  status?: number;
  policy?: number;
  reason?: number;
  goalId?: number;
  indicatorId?: number;
  measure?: number;
  progressEntry?: number;
  evaluatedOn?: number;
}

const FIXED: Record<string, keyof Columns> = {
  'No.': 'no',
  部区組織目標: 'priorityGoalNo',
  組織目標: 'goal',
  取組指標: 'indicator',
  '項目(単位)': 'indicator',
  単位: 'unit',
  '補足・参考指標': 'notes',
  '主な取組(事業)': 'initiatives',
  '取組名称(事業名)': 'initiativeName',
  取組の内容: 'initiativeDescription',
  評価: 'rating',
  目標達成状況: 'status',
  今後の方針: 'policy',
  評価の理由: 'reason',
  goalId: 'goalId',
  indicatorId: 'indicatorId',
  measure: 'measure',
  progressEntry: 'progressEntry',
  evaluatedOn: 'evaluatedOn',
};

/**
 * Reads the heading rows. A column's name is its second-row heading, or the first row's where the
 * second is blank (headings spanning two rows). The published 西区 layout has 取組名称 and its
 * description under one merged heading, which the extraction wrote as one cell: there the
 * description is the column after 取組名称 and 評価, 目標達成状況, 今後の方針 follow it.
 */
export function readColumns(first: Row, second: Row | undefined, fiscalYear: number): Columns {
  const width = Math.max(first.cells.length, second?.cells.length ?? 0);
  const headings = Array.from({ length: width }, (_, i) => cleanCell(second?.cells[i]) || cleanCell(first.cells[i]));
  const found: Partial<Columns> & { baselines: Columns['baselines']; progress: Columns['progress'] } = { baselines: [], progress: [] };
  const set = (key: keyof Columns, index: number) => ((found as Record<string, unknown>)[key] ??= index);
  for (const [index, heading] of headings.entries()) {
    const label = labelOf(heading);
    const row = second?.cells[index] ? second : first;
    const fixed = FIXED[label] ?? (label.startsWith('総合計画') ? 'planRefs' : undefined);
    const year = /^(.+?)(実績|目標|結果)$/.exec(label);
    const quarter = /^第([1-4])四半期$/.exec(label);
    if (fixed) set(fixed, index);
    else if (quarter) found.progress.push({ index, quarter: Number(quarter[1]) as Quarter });
    else if (year) {
      const fy = parseFiscalYear(year[1]!);
      if (fy === undefined) fail(row, index, `${heading}: the year is not one this system reads (R6, 令和6年度, H29)`);
      if (year[2] === '実績') found.baselines.push({ index, fiscalYear: fy! });
      else {
        if (fy !== fiscalYear) fail(row, index, `${heading} is for fiscal ${fy}, but the sheet's 年度 is ${fiscalYear}`);
        set(year[2] === '目標' ? 'target' : 'result', index);
      }
    }
  }
  if (found.initiativeName !== undefined && found.initiativeDescription === undefined) {
    found.initiatives = undefined;
    found.initiativeDescription = found.initiativeName + 1;
    [found.rating, found.status, found.policy] = [2, 3, 4].map((offset) => found.initiativeName! + offset);
    for (const [offset, heading] of ['取組の内容', '評価', '目標達成状況', '今後の方針'].entries())
      headings[found.initiativeName + 1 + offset] = heading;
  }
  for (const required of ['no', 'goal', 'indicator'] as const) {
    if (found[required] === undefined)
      fail(first, 0, `the goal table has no ${required === 'no' ? 'No.' : required === 'goal' ? '組織目標' : '取組指標'} column`);
  }
  return { ...(found as Columns), headings };
}

/**
 * The table's rows as goals, undoing what the extraction does to merged cells: a row with No. and
 * an empty 組織目標 continues the goal above it (the goal cell spanned both rows); a row without No.
 * adds its indicator to the goal above; a row without an initiative name continues the initiative above.
 */
export function readGoals(rows: readonly Row[], columns: Columns): GoalDraft[] {
  const goals: GoalDraft[] = [];
  for (const row of rows) {
    const cell = (index: number | undefined) => (index === undefined ? '' : cleanCell(row.cells[index]));
    const problem = (index: number, reason: string): never => fail(row, index, reason, columns.headings[index]);
    const noText = cell(columns.no);
    const text = cell(columns.goal);
    let goal = goals.at(-1);
    if (noText && text) {
      const no = wholeNumber(noText) ?? problem(columns.no, `No. must be a whole number, not "${noText}"`);
      if (goals.some((g) => g.no === no)) problem(columns.no, `goal No. ${no} appears twice`);
      goal = { at: at(row, columns.goal, columns.headings[columns.goal]), no, text, planRefs: [], initiatives: [], indicators: [] };
      goals.push(goal);
    } else if (text) {
      problem(columns.no, 'a goal needs its No.');
    } else if (!goal) {
      problem(columns.goal, 'the first row of the table needs a 組織目標');
    }
    readGoalCells(goal!, cell, columns, problem, row);
    readInitiatives(goal!, cell, columns, problem);
    const indicator = readIndicator(cell, columns, problem, row);
    if (indicator) goal!.indicators.push(indicator);
  }
  return goals;
}

type Cell = (index: number | undefined) => string;
type Problem = (index: number, reason: string) => never;

function readGoalCells(goal: GoalDraft, cell: Cell, columns: Columns, problem: Problem, row: Row): void {
  for (const ref of cell(columns.planRefs).split(/\s+/).filter(Boolean)) if (!goal.planRefs.includes(ref)) goal.planRefs.push(ref);
  const link = cell(columns.priorityGoalNo);
  if (link) {
    const no = wholeNumber(link) ?? problem(columns.priorityGoalNo!, `部区組織目標 must be the number of a 重点目標, not "${link}"`);
    if (goal.priorityGoalNo !== undefined && goal.priorityGoalNo !== no)
      problem(columns.priorityGoalNo!, `goal ${goal.no} is linked to two 重点目標`);
    goal.priorityGoalNo = no;
  }
  const id = cell(columns.goalId);
  if (id) goal.goalId = id;
  const [ratingText, status, policy, reason, evaluatedOnText] = [
    columns.rating,
    columns.status,
    columns.policy,
    columns.reason,
    columns.evaluatedOn,
  ].map(cell);
  if (!ratingText && !status && !policy && !reason) return;
  if (goal.evaluation) problem(columns.rating ?? columns.goal, `goal ${goal.no} is evaluated twice`);
  if (!ratingText) problem(columns.rating ?? columns.goal, `目標達成状況 or 今後の方針 is given without a 評価 (○, △ or ×)`);
  const rating = ratingOf(ratingText) ?? problem(columns.rating!, `評価 must be ○, △ or ×, not "${ratingText}"`);
  const evaluatedOn = evaluatedOnText
    ? (parseJapaneseDate(evaluatedOnText) ?? problem(columns.evaluatedOn!, `"${evaluatedOnText}" is not a date`))
    : undefined;
  goal.evaluation = {
    at: at(row, columns.rating!, columns.headings[columns.rating!]),
    rating,
    ...(status && { status }),
    ...(policy && { policy }),
    ...(reason && { reason }),
    ...(evaluatedOn && { evaluatedOn }),
  };
}

function readInitiatives(goal: GoalDraft, cell: Cell, columns: Columns, problem: Problem): void {
  if (columns.initiatives !== undefined) {
    for (const name of bulletItems(cell(columns.initiatives))) goal.initiatives.push({ name });
    return;
  }
  const name = cell(columns.initiativeName);
  const description = cell(columns.initiativeDescription);
  if (name) goal.initiatives.push(description ? { name, description } : { name });
  else if (description) {
    const last = goal.initiatives.at(-1) ?? problem(columns.initiativeName!, 'an initiative description without an initiative');
    last.description = last.description ? `${last.description}\n${description}` : description;
  }
}

const MEASURES: readonly Measure[] = ['cumulative', 'level'];
const ENTRIES: readonly ProgressEntry[] = ['toDate', 'quarter'];

function readIndicator(cell: Cell, columns: Columns, problem: Problem, row: Row): IndicatorDraft | undefined {
  const written = cell(columns.indicator);
  const target = cell(columns.target);
  const result = cell(columns.result);
  const progress = Object.fromEntries(columns.progress.map(({ index, quarter }) => [quarter, cell(index)] as const).filter(([, v]) => v));
  const baselines = columns.baselines
    .map(({ index, fiscalYear }) => ({ fiscalYear, actual: cell(index) }))
    .filter((b) => b.actual && b.actual !== '-');
  if (!written && !target && !result && Object.keys(progress).length === 0 && baselines.length === 0) return undefined;
  if (!written) problem(columns.indicator, 'an indicator needs its name (取組指標)');
  const named =
    columns.unit === undefined ? splitIndicatorName(written) : { name: written, ...(cell(columns.unit) && { unit: cell(columns.unit) }) };
  const notes = [named.notes, cell(columns.notes)].filter(Boolean).join(' ');
  const measure = cell(columns.measure);
  if (measure && !MEASURES.includes(measure as Measure)) problem(columns.measure!, `measure must be cumulative or level, not "${measure}"`);
  const progressEntry = cell(columns.progressEntry);
  if (progressEntry && !ENTRIES.includes(progressEntry as ProgressEntry))
    problem(columns.progressEntry!, `progressEntry must be toDate or quarter, not "${progressEntry}"`);
  return {
    at: at(row, columns.indicator, columns.headings[columns.indicator]),
    cells: {
      ...(target && { target: at(row, columns.target!, columns.headings[columns.target!]) }),
      ...(result && { result: at(row, columns.result!, columns.headings[columns.result!]) }),
      progress: Object.fromEntries(
        columns.progress
          .filter(({ quarter }) => progress[quarter])
          .map(({ index, quarter }) => [quarter, at(row, index, columns.headings[index])]),
      ),
    },
    ...(cell(columns.indicatorId) && { indicatorId: cell(columns.indicatorId) }),
    name: named.name,
    ...(named.unit && { unit: named.unit }),
    ...(measure && { measure: measure as Measure }),
    ...(progressEntry && { progressEntry: progressEntry as ProgressEntry }),
    ...(notes && { notes }),
    baselines: [...baselines, ...(named.baseline ? [named.baseline] : [])],
    ...(target && { target }),
    progress,
    ...(result && { result }),
    ...(row.noteOf && { recordedNotes: recordedNotes(row.noteOf, columns) }),
  };
}

function recordedNotes(noteOf: NonNullable<Row['noteOf']>, columns: Columns): NonNullable<IndicatorDraft['recordedNotes']> {
  const notes: NonNullable<IndicatorDraft['recordedNotes']> = {};
  for (const { index, quarter } of columns.progress) {
    const note = noteOf(index);
    if (note !== undefined) notes[quarter] = note;
  }
  const result = columns.result === undefined ? undefined : noteOf(columns.result);
  if (result !== undefined) notes.result = result;
  return notes;
}

/**
 * "来館者数(人) ※前年比5%増" → name 来館者数, unit 人, notes ※前年比5%増. The unit is the short
 * bracketed word at the end of the name; what follows it (※…, 【…】, [参考] …) is a note. A
 * reference figure "[参考] R5末 6,635人" is also the baseline of that year.
 */
export function splitIndicatorName(text: string): {
  name: string;
  unit?: string;
  notes?: string;
  baseline?: { fiscalYear: number; actual: string };
} {
  const m = /^(.+?)\s*[(（]([^()（）\d０-９]{1,8})[)）]\s*([※【[［].*)?$/s.exec(text);
  const [name, unit, notes] = m ? [m[1]!, m[2]!, m[3]] : splitNote(text);
  const reference = notes && /[[［]参考[\]］]\s*(\S+?)末\s*(.+)$/.exec(notes);
  const fiscalYear = reference ? parseFiscalYear(reference[1]!) : undefined;
  return {
    name,
    ...(unit && { unit }),
    ...(notes && { notes }),
    ...(fiscalYear !== undefined && { baseline: { fiscalYear, actual: reference![2]!.trim() } }),
  };
}

function splitNote(text: string): [string, undefined, string | undefined] {
  const mark = text.search(/\s[※【]/);
  return mark < 0 ? [text, undefined, undefined] : [text.slice(0, mark).trim(), undefined, text.slice(mark).trim()];
}
