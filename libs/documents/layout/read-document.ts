import { parseFiscalYear, parseJapaneseDate, departmentName } from '@shinchoku/municipality';
import type { PriorityGoal, SheetStatus, RatingProfile } from '@shinchoku/sheets/domain';
import { DocumentDraft, DocumentError, SheetDraft, WardPlanDraft } from '../drafts';
import { Row, at, bulletItems, checkWidth, cleanCell, fail, labelOf, wholeNumber } from './cells';
import { readColumns, readGoals } from './goal-table';

export const SHEET_TITLE = '組織目標管理シート';
const WARD_TITLE = /^(\S+?年度)\s*(\S+?)組織目標$/;
const NARRATIVE = /^取り組みについて/;

/** Header labels (compared as labelOf gives them) and the field each fills. */
const SHEET_LABELS: Record<string, string> = {
  年度: 'fiscalYear',
  '組織名(部)': 'department',
  '組織名(準部・課・機関名)': 'unit',
  '(参考)関連する総合計画における政策指標': 'policyIndicators',
  作成日: 'createdOn',
  修正日: 'amendedOn',
  評価日: 'evaluationDate',
  '問合せ先(電話番号)': 'contact',
  組織の目的: 'purpose',
  状態: 'status',
  sheetId: 'sheetId',
  ratingProfile: 'ratingProfile',
  version: 'version',
};

const WARD_LABELS: Record<string, string> = {
  組織名: 'department',
  区長: 'headName',
  '組織の目的・方向性': 'purpose',
  取組結果: 'status',
  重点目標の達成状況: 'status',
  目標数: 'goalCount',
  達成数: 'achievedCount',
  今後の方向性: 'direction',
  wardPlanId: 'wardPlanId',
  evaluatedOn: 'evaluatedOn',
};

export const STATUS_LABELS: Record<SheetStatus, string> = { draft: '作成中', active: '取組中', closed: '確定' };

/**
 * A document in the 組織目標管理シート layout, as rows of cells (a published PDF's text, or a
 * workbook): ward pages (令和2年度 東区組織目標) and unit sheets, each starting at its title.
 * Everything is read before anything is returned; the first thing that cannot be read throws a
 * DocumentError naming its line and cell.
 */
export function readDocument(rows: readonly Row[]): DocumentDraft {
  const draft: DocumentDraft = { wardPlans: [], sheets: [] };
  const blocks: Array<{ title: Row; kind: 'sheet' | 'ward'; rows: Row[] }> = [];
  for (const row of rows) {
    const cells = row.cells.map(cleanCell);
    const only = cells.filter(Boolean).length === 1 ? cells[0] : undefined;
    if (only === SHEET_TITLE) blocks.push({ title: row, kind: 'sheet', rows: [] });
    else if (only && WARD_TITLE.test(only)) blocks.push({ title: row, kind: 'ward', rows: [] });
    else if (blocks.length > 0) blocks.at(-1)!.rows.push(row);
    else if (cells.some(Boolean)) fail(row, 0, `expected the title 「${SHEET_TITLE}」 or 「令和N年度 ○区組織目標」 first`);
  }
  if (blocks.length === 0) throw new DocumentError({ line: 1 }, `no 「${SHEET_TITLE}」 in this document`);
  for (const block of blocks) {
    if (block.kind === 'sheet') draft.sheets.push(readSheet(block.title, block.rows));
    else draft.wardPlans.push(readWardPlan(block.title, block.rows));
  }
  return draft;
}

interface Field {
  value: string;
  row: Row;
  index: number;
}

/**
 * Label/value pairs of header rows: a value is the first non-blank cell after its label, before
 * the next label (the extraction leaves merged cells as blanks, in varying numbers).
 */
function readLabels(row: Row, labels: Record<string, string>, fields: Map<string, Field>): boolean {
  const cells = row.cells.map(cleanCell);
  const single = cells.filter(Boolean);
  if (single.length === 1) {
    // "問合せ先(電話番号) 025-250-2380": a label and its value in one cell.
    const label = Object.keys(labels).find((l) => labelOf(single[0]!).startsWith(l) && labelOf(single[0]!) !== l);
    if (label) {
      fields.set(labels[label]!, { value: single[0]!.replace(/^\S*\([^)]*\)|^\S+/, '').trim(), row, index: cells.indexOf(single[0]!) });
      return true;
    }
  }
  let field: string | undefined;
  const stray: number[] = [];
  for (const [index, cell] of cells.entries()) {
    const label = labels[labelOf(cell)];
    if (label) {
      field = label;
      if (!fields.has(label)) fields.set(label, { value: '', row, index });
    } else if (cell && field && !fields.get(field)!.value) {
      fields.set(field, { value: cell, row, index });
    } else if (cell) {
      stray.push(index);
    }
  }
  if (field && stray.length > 0) fail(row, stray[0]!, `"${cells[stray[0]!]}" is not the value of any heading of this row`);
  return field !== undefined;
}

const isBlank = (row: Row) => row.cells.every((cell) => !cleanCell(cell));
const isLegend = (row: Row) =>
  row.cells
    .map(cleanCell)
    .filter(Boolean)
    .every((cell) => /^[○△×]\s*[:：]/.test(cell) || /^-+$/.test(cell));

function readSheet(title: Row, rows: Row[]): SheetDraft {
  const fields = new Map<string, Field>();
  let i = 0;
  for (; i < rows.length && cleanCell(rows[i]!.cells[0]) !== 'No.'; i++) {
    const row = rows[i]!;
    if (isBlank(row) || isLegend(row)) continue;
    if (!readLabels(row, SHEET_LABELS, fields))
      fail(row, 0, `"${cleanCell(row.cells.find((c) => cleanCell(c)))}" is not a heading of a 組織目標管理シート`);
  }
  const required = (name: string, heading: string): Field => {
    const field = fields.get(name);
    if (!field?.value) throw new DocumentError(field ? at(field.row, field.index, heading) : at(title, 0), `the sheet has no ${heading}`);
    return field;
  };
  const yearField = required('fiscalYear', '年度');
  const fiscalYear =
    parseFiscalYear(yearField.value) ?? fail(yearField.row, yearField.index, `"${yearField.value}" is not a fiscal year (令和6年度)`);
  const date = (name: string, heading: string) => {
    const field = fields.get(name);
    if (!field?.value) return undefined;
    return (
      parseJapaneseDate(field.value) ?? fail(field.row, field.index, `${heading} "${field.value}" is not a date (R6.4.1, 令和6年4月1日)`)
    );
  };
  const text = (name: string) => fields.get(name)?.value || undefined;
  const status = text('status');
  const statusValue = status && (Object.entries(STATUS_LABELS).find(([, label]) => label === status)?.[0] as SheetStatus | undefined);
  if (status && !statusValue)
    fail(fields.get('status')!.row, fields.get('status')!.index, `状態 must be one of ${Object.values(STATUS_LABELS).join(', ')}`);

  const header = rows[i];
  if (!header) fail(title, 0, 'the sheet has no goal table (a row starting with No.)');
  const second = rows[i + 1] && !cleanCell(rows[i + 1]!.cells[0]) ? rows[i + 1] : undefined;
  const columns = readColumns(header!, second, fiscalYear);
  i += second ? 2 : 1;
  const tableRows: Row[] = [];
  for (; i < rows.length && !isBlank(rows[i]!) && !NARRATIVE.test(cleanCell(rows[i]!.cells[0])); i++) {
    checkWidth(rows[i]!, header!);
    tableRows.push(rows[i]!);
  }
  const goals = readGoals(tableRows, columns);

  let approach: string | undefined;
  let resultSummary: string | undefined;
  for (; i < rows.length; i++) {
    const row = rows[i]!;
    if (isBlank(row)) continue;
    if (NARRATIVE.test(cleanCell(row.cells[0]))) {
      const narrative =
        rows[++i] ?? fail(row, 0, 'the narrative heading is the last line: the document looks cut short', undefined, 'TruncatedDocument');
      checkWidth(narrative, row);
      approach = cleanCell(narrative.cells[0]) || undefined;
      resultSummary = cleanCell(narrative.cells[1]) || undefined;
      continue;
    }
    fail(row, 0, 'nothing is expected after the goal table but the two narrative blocks (取り組みについて…)');
  }

  const policy = text('policyIndicators');
  const profile = fields.get('ratingProfile');
  const ratingProfile = profile?.value ? ratingProfileOf(profile) : undefined;
  const version = fields.get('version');
  return {
    at: at(yearField.row, yearField.index, '年度'),
    ...(text('sheetId') && { sheetId: text('sheetId') }),
    ...(version?.value && { version: versionOf(version) }),
    fiscalYear,
    department: required('department', '組織名(部)').value,
    unit: required('unit', '組織名(準部・課・機関名)').value,
    ...(text('purpose') && { purpose: text('purpose') }),
    policyIndicators: policy ? bulletItems(policy).map((item) => item.replace(/^・/, '').trim()) : [],
    ...(text('contact') && { contact: text('contact') }),
    createdOn: date('createdOn', '作成日') ?? fail(required('createdOn', '作成日').row, 0, 'the sheet has no 作成日'),
    ...(date('amendedOn', '修正日') && { amendedOn: date('amendedOn', '修正日') }),
    ...(date('evaluationDate', '評価日') && { evaluationDate: date('evaluationDate', '評価日') }),
    ...(approach && { approach }),
    ...(resultSummary && { resultSummary }),
    ...(statusValue && { status: statusValue }),
    ...(ratingProfile && { ratingProfile }),
    goals,
  };
}

/** The stream version a workbook was exported at (a hidden cell next to the sheetId). */
function versionOf(field: Field): number {
  const version = wholeNumber(field.value);
  return version !== undefined && version >= 1
    ? version
    : fail(field.row, field.index, `version "${field.value}" is not one shinchoku wrote`);
}

function ratingProfileOf(field: Field): RatingProfile {
  try {
    const profile = JSON.parse(field.value) as RatingProfile;
    if (profile.kind === 'allIndicatorsMet' || (profile.kind === 'achievementBands' && Array.isArray(profile.bands))) return profile;
  } catch {
    // reported below
  }
  return fail(field.row, field.index, 'ratingProfile is not one shinchoku wrote');
}

function readWardPlan(title: Row, rows: Row[]): WardPlanDraft {
  const [, yearText, department] = WARD_TITLE.exec(cleanCell(title.cells.find((c) => cleanCell(c))))!;
  const fiscalYear = parseFiscalYear(yearText!) ?? fail(title, 0, `"${yearText}" is not a fiscal year`);
  const fields = new Map<string, Field>();
  const introduction: string[] = [];
  const priorityGoals: PriorityGoal[] = [];
  let section: 'header' | 'goals' | 'evaluation' = 'header';
  for (const row of rows) {
    const cells = row.cells.map(cleanCell).filter(Boolean);
    if (cells.length === 0 || cells[0] === `${department}組織目標` || cells[0]!.startsWith('※')) continue;
    if (cells.length === 1 && cells[0] === '重点目標') section = 'goals';
    else if (cells.length === 1 && cells[0] === '評価') section = 'evaluation';
    else if (section === 'goals' && priorityGoalOf(cells)) {
      const goal = priorityGoalOf(cells)!;
      if (priorityGoals.some((g) => g.no === goal.no)) fail(row, 0, `重点目標 ${goal.no} appears twice`);
      priorityGoals.push(goal);
    } else if (readLabels(row, WARD_LABELS, fields)) continue;
    else if (section === 'header' && cells.length === 1) introduction.push(cells[0]!);
    else fail(row, 0, `"${cells[0]}" is not part of a ward's 組織目標 page`);
  }
  const text = (name: string) => fields.get(name)?.value || undefined;
  const named = text('department');
  if (named && departmentName(named) !== departmentName(department!))
    fail(fields.get('department')!.row, fields.get('department')!.index, `組織名 ${named} differs from the title's ${department}`);
  const count = (name: string, heading: string) => {
    const field = fields.get(name);
    if (!field?.value) return undefined;
    return wholeNumber(field.value) ?? fail(field.row, field.index, `${heading} must be a whole number, not "${field.value}"`);
  };
  const goalCount = count('goalCount', '目標数');
  if (goalCount !== undefined && goalCount !== priorityGoals.length) {
    fail(
      fields.get('goalCount')!.row,
      fields.get('goalCount')!.index,
      `目標数 is ${goalCount} but the page lists ${priorityGoals.length} 重点目標`,
    );
  }
  const achievedCount = count('achievedCount', '達成数');
  return {
    at: at(title, 0),
    ...(text('wardPlanId') && { wardPlanId: text('wardPlanId') }),
    department: department!,
    fiscalYear,
    ...(text('headName') && { headName: text('headName') }),
    ...(text('purpose') && { purpose: text('purpose') }),
    ...(introduction.length > 0 && { introduction: introduction.join('\n') }),
    priorityGoals,
    ...(achievedCount !== undefined && {
      evaluation: {
        at: at(fields.get('achievedCount')!.row, fields.get('achievedCount')!.index, '達成数'),
        achievedCount,
        ...(text('status') && { status: text('status') }),
        ...(text('direction') && { direction: text('direction') }),
        ...(text('evaluatedOn') && {
          evaluatedOn:
            parseJapaneseDate(text('evaluatedOn')!) ??
            fail(fields.get('evaluatedOn')!.row, fields.get('evaluatedOn')!.index, 'evaluatedOn is not a date'),
        }),
      },
    }),
  };
}

/** "- 1 地域と連携しながら…" in the published text, or a row "1 | 地域と連携しながら…" in a workbook. */
function priorityGoalOf(cells: string[]): { no: number; text: string } | undefined {
  const m = cells.length === 1 ? /^-?\s*([0-9０-９]+)\s+(.+)$/s.exec(cells[0]!) : undefined;
  const [noText, text] = m ? [m[1]!, m[2]!] : cells.length === 2 ? [cells[0]!, cells[1]!] : [];
  const no = noText === undefined ? undefined : wholeNumber(noText);
  return no === undefined || !text ? undefined : { no, text };
}
