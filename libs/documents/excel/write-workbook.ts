import ExcelJS from 'exceljs';
import { fiscalYearLabel, formatJapaneseDate } from '@shinchoku/municipality';
import type { Goal, Indicator, Sheet, WardPlan } from '@shinchoku/sheets/domain';
import { SHEET_TITLE, STATUS_LABELS } from '../layout/read-document';

/**
 * The 組織目標管理シート layout as a workbook: the header block, the ○ △ × legend, goal rows
 * with their cells merged over the goal's indicators and initiatives, 和暦 dates, quarterly
 * progress columns, the notes recorded with values as the cells' comments. The ids and a few
 * exact values ride along in hidden rows and columns, so the same workbook imports back to the
 * same sheet (see readWorkbook).
 */
export async function writeWorkbook(
  sheets: readonly Sheet[],
  wardPlan?: WardPlan,
  versions?: ReadonlyMap<string, number>,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'shinchoku';
  const names = new Set<string>();
  if (wardPlan) writeWardPage(workbook.addWorksheet(uniqueName(`${wardPlan.department}組織目標`, names)), wardPlan);
  for (const sheet of sheets) writeSheet(workbook.addWorksheet(uniqueName(sheet.unit, names)), sheet, versions?.get(sheet.sheetId));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Worksheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function uniqueName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '_').slice(0, 28) || 'sheet';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}(${n})`;
  taken.add(name);
  return name;
}

const BOLD = { bold: true };
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const WRAP = { wrapText: true, vertical: 'top' as const };
const date = (iso?: string) => (iso ? formatJapaneseDate(iso) : '');

/** `version`: the sheet's stream version, so an import can tell the cells changed since from those the workbook changed. */
function writeSheet(ws: ExcelJS.Worksheet, sheet: Sheet, version?: number): void {
  const label = fiscalYearLabel(sheet.fiscalYear);
  ws.addRow([SHEET_TITLE]).font = { bold: true, size: 14 };
  ws.addRow(['年度', label, '作成日', date(sheet.createdOn), '修正日', date(sheet.amendedOn)]);
  ws.addRow(['組織名(部)', sheet.department, '組織名(準部・課・機関名)', sheet.unit, '評価日', date(sheet.evaluationDate)]);
  ws.addRow(['組織の目的', sheet.purpose ?? '']);
  ws.addRow(['(参考) 関連する総合計画における政策指標', sheet.policyIndicators.map((p) => `・${p}`).join('\n')]);
  ws.addRow(['問合せ先(電話番号)', sheet.contact ?? '', '状態', STATUS_LABELS[sheet.status]]);
  ws.addRow([
    'sheetId',
    sheet.sheetId,
    'ratingProfile',
    JSON.stringify(sheet.ratingProfile),
    ...(version === undefined ? [] : ['version', version]),
  ]).hidden = true;
  for (const r of [2, 3, 4, 5, 6]) for (const c of [1, 3, 5]) ws.getCell(r, c).font = BOLD;
  ws.addRow(['○:達成', '△:一部未達成', '×:未達成']);
  ws.addRow([]);

  const years = [...new Set(sheet.goals.flatMap((g) => g.indicators.flatMap((i) => i.baselines.map((b) => b.fiscalYear))))].sort();
  const columns: Array<{ heading: string; group?: string; width: number; hidden?: boolean }> = [
    { heading: 'No.', width: 5 },
    { heading: '部区組織目標', width: 8 },
    { heading: '組織目標', width: 40 },
    { heading: '総合計画(実施計画)上の位置づけ', width: 14 },
    { heading: '取組指標', group: '指標', width: 30 },
    { heading: '単位', group: '指標', width: 6 },
    ...years.map((fy) => ({ heading: `${fiscalYearLabel(fy)}実績`, group: '指標', width: 12 })),
    { heading: `${label}目標`, group: '指標', width: 14 },
    ...[1, 2, 3, 4].map((q) => ({ heading: `第${q}四半期`, group: '進捗', width: 10 })),
    { heading: `${label}結果`, width: 12 },
    { heading: '補足・参考指標', width: 24 },
    { heading: '取組名称(事業名)', group: '主な取組(事業)', width: 24 },
    { heading: '取組の内容', group: '主な取組(事業)', width: 36 },
    { heading: '評価', width: 6 },
    { heading: '目標達成状況', width: 30 },
    { heading: '今後の方針', width: 30 },
    { heading: '評価の理由', width: 24 },
    ...['goalId', 'indicatorId', 'measure', 'progressEntry', 'evaluatedOn'].map((heading) => ({ heading, width: 10, hidden: true })),
  ];
  const col = (heading: string) => columns.findIndex((c) => c.heading === heading) + 1;
  const groups = ws.addRow(columns.map((c, i) => (c.group && columns[i - 1]?.group === c.group ? '' : (c.group ?? c.heading))));
  const headings = ws.addRow(columns.map((c) => (c.group ? c.heading : '')));
  for (const [i, c] of columns.entries()) {
    ws.getColumn(i + 1).width = c.width;
    ws.getColumn(i + 1).hidden = c.hidden ?? false;
    if (!c.group) ws.mergeCells(groups.number, i + 1, headings.number, i + 1);
  }
  for (const [i, c] of columns.entries()) {
    const span = columns.slice(i).findIndex((d) => d.group !== c.group);
    if (c.group && columns[i - 1]?.group !== c.group && span > 1) ws.mergeCells(groups.number, i + 1, groups.number, i + span);
  }
  for (const row of [groups, headings]) {
    row.font = BOLD;
    row.eachCell((cell) => {
      cell.border = BORDER;
      cell.alignment = { ...WRAP, horizontal: 'center' };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    });
  }

  for (const goal of sheet.goals) {
    const height = Math.max(1, goal.indicators.length, goal.initiatives.length);
    const first = ws.rowCount + 1;
    for (let r = 0; r < height; r++) {
      const values: unknown[] = new Array(columns.length).fill('');
      const notes = new Map<number, string>();
      const put: Put = (heading, value, note) => {
        values[col(heading) - 1] = value ?? '';
        if (note !== undefined) notes.set(col(heading), note);
      };
      if (r === 0) writeGoalCells(put, goal);
      const indicator = goal.indicators[r];
      if (indicator) writeIndicatorCells(put, indicator, label, years);
      const initiative = goal.initiatives[r];
      if (initiative) {
        put('取組名称(事業名)', initiative.name);
        put('取組の内容', initiative.description);
      }
      const row = ws.addRow(values);
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.border = BORDER;
        cell.alignment = WRAP;
      });
      for (const [column, note] of notes) row.getCell(column).note = note;
    }
    if (height > 1) {
      for (const heading of [
        'No.',
        '部区組織目標',
        '組織目標',
        '総合計画(実施計画)上の位置づけ',
        '評価',
        '目標達成状況',
        '今後の方針',
        '評価の理由',
      ]) {
        ws.mergeCells(first, col(heading), first + height - 1, col(heading));
      }
    }
  }
  ws.addRow([]);
  ws.addRow([
    '取り組みについて(今年度重点的に取り組む内容や目標設定の考え方など)',
    '取り組みの結果について(評価内容と評価結果を踏まえた今後の方針など)',
  ]).font = BOLD;
  ws.addRow([sheet.approach ?? '', sheet.resultSummary ?? '']).alignment = WRAP;
}

/** `note`: a recorded value's note, kept as the cell's comment so the layout stays as people know it. */
type Put = (heading: string, value: unknown, note?: string) => void;

function writeGoalCells(put: Put, goal: Goal): void {
  put('No.', goal.no);
  put('部区組織目標', goal.priorityGoalNo);
  put('組織目標', goal.text);
  put('総合計画(実施計画)上の位置づけ', goal.planRefs.join(' '));
  put('goalId', goal.goalId);
  if (!goal.evaluation) return;
  put('評価', goal.evaluation.rating);
  put('目標達成状況', goal.evaluation.status);
  put('今後の方針', goal.evaluation.policy);
  put('評価の理由', goal.evaluation.reason);
  put('evaluatedOn', goal.evaluation.evaluatedOn);
}

function writeIndicatorCells(put: Put, indicator: Indicator, label: string, years: number[]): void {
  put('取組指標', indicator.name);
  put('単位', indicator.unit);
  for (const fy of years) put(`${fiscalYearLabel(fy)}実績`, indicator.baselines.find((b) => b.fiscalYear === fy)?.actual.text);
  put(`${label}目標`, indicator.target?.text);
  for (const q of [1, 2, 3, 4] as const) put(`第${q}四半期`, indicator.progress[q]?.value.text, indicator.progress[q]?.note);
  put(`${label}結果`, indicator.result?.value.text, indicator.result?.note);
  put('補足・参考指標', indicator.notes);
  put('indicatorId', indicator.indicatorId);
  put('measure', indicator.measure);
  put('progressEntry', indicator.progressEntry);
}

function writeWardPage(ws: ExcelJS.Worksheet, plan: WardPlan): void {
  ws.getColumn(1).width = 24;
  ws.getColumn(2).width = 80;
  ws.addRow([`${fiscalYearLabel(plan.fiscalYear)} ${plan.department}組織目標`]).font = { bold: true, size: 14 };
  ws.addRow(['組織名', plan.department, '区長', plan.headName ?? '']);
  ws.addRow(['組織の目的・方向性', plan.purpose ?? '']);
  ws.addRow(['wardPlanId', plan.wardPlanId]).hidden = true;
  if (plan.introduction) ws.addRow([plan.introduction]);
  ws.addRow(['重点目標']).font = BOLD;
  for (const goal of plan.priorityGoals) ws.addRow([goal.no, goal.text]);
  ws.addRow([]);
  ws.addRow(['評価']).font = BOLD;
  const evaluation = plan.evaluation;
  ws.addRow([
    '重点目標の達成状況',
    evaluation?.status ?? '',
    '目標数',
    plan.priorityGoals.length,
    '達成数',
    evaluation?.achievedCount ?? '',
  ]);
  ws.addRow(['今後の方向性', evaluation?.direction ?? '']);
  ws.addRow(['evaluatedOn', evaluation?.evaluatedOn ?? '']).hidden = true;
  ws.eachRow((row) => (row.alignment = WRAP));
}
