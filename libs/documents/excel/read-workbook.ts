import type ExcelJS from 'exceljs';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../reading/import-limits';
import { DocumentDraft, DocumentError } from '../drafts';
import type { Row } from '../layout/cells';
import { readDocument } from '../layout/read-document';
import { inspectWorkbook } from './inspect-workbook';

/**
 * A workbook in the 組織目標管理シート layout (as writeWorkbook makes it, or filled in by hand):
 * every worksheet's rows in order, read like the published text. A cell covered by a merge reads
 * as blank, which is what the layout's continuation rules expect. The zip is inspected against
 * the caps before exceljs sees it, and only the cells present are visited: a blank row costs one
 * step, a blank cell none.
 */
export async function readWorkbook(content: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<DocumentDraft> {
  await inspectWorkbook(content, limits);
  // Loaded only for a workbook that passed inspection: it is most of what starting a reader costs.
  const { Workbook, ValueType } = (await import('exceljs')).default;
  const workbook = new Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new DocumentError({ line: 1 }, `the workbook cannot be opened: ${(error as Error).message}`, 'CorruptWorkbook');
  }
  const rows: Row[] = [];
  workbook.eachSheet((ws) => {
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.findRow(r);
      const cells: string[] = [];
      row?.eachCell((cell, column) => {
        const text = cell.type === ValueType.Merge ? '' : textOf(cell);
        if (!text) return;
        while (cells.length < column - 1) cells.push('');
        cells.push(text);
      });
      rows.push({
        line: r,
        cells,
        cellName: (index) => `${ws.name}!${columnName(index + 1)}${r}`,
        noteOf: (index) => noteText(row?.findCell(index + 1)?.note),
      });
    }
  });
  return readDocument(rows);
}

/** 1 → A, 28 → AB. */
function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function noteText(note: ExcelJS.Cell['note'] | undefined): string | undefined {
  const text = typeof note === 'string' ? note : note?.texts?.map((part) => part.text).join('');
  return text?.trim() ? text : undefined;
}

/** A formula's cached result; an error reads as Excel shows it (#N/A), not as "[object Object]". */
function formulaResultText(result: ExcelJS.CellFormulaValue['result'] | null): string {
  if (result === undefined || result === null) return '';
  return typeof result === 'object' && !(result instanceof Date) ? result.error : String(result);
}

function textOf(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return formulaResultText(value.result);
  if ('text' in value) return String(value.text);
  return '';
}
