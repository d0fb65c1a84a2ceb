import ExcelJS from 'exceljs';
import { DocumentDraft, DocumentError } from '../drafts';
import type { Row } from '../layout/cells';
import { readDocument } from '../layout/read-document';

/**
 * A workbook in the 組織目標管理シート layout (as writeWorkbook makes it, or filled in by hand):
 * every worksheet's rows in order, read like the published text. A cell covered by a merge reads
 * as blank, which is what the layout's continuation rules expect.
 */
export async function readWorkbook(content: Buffer): Promise<DocumentDraft> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new DocumentError({ line: 1 }, `the workbook cannot be opened: ${(error as Error).message}`, 'UnsupportedDocument');
  }
  const rows: Row[] = [];
  workbook.eachSheet((ws) => {
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells = Array.from({ length: ws.columnCount }, (_, c) => textOf(row.getCell(c + 1)));
      while (cells.length > 0 && !cells.at(-1)) cells.pop();
      rows.push({
        line: r,
        cells,
        cellName: (index) => `${ws.name}!${row.getCell(index + 1).address}`,
        noteOf: (index) => noteText(row.getCell(index + 1).note),
      });
    }
  });
  return readDocument(rows);
}

function noteText(note: ExcelJS.Cell['note'] | undefined): string | undefined {
  const text = typeof note === 'string' ? note : note?.texts?.map((part) => part.text).join('');
  return text?.trim() ? text : undefined;
}

function textOf(cell: ExcelJS.Cell): string {
  if (cell.type === ExcelJS.ValueType.Merge) return '';
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return value.result === undefined || value.result === null ? '' : String(value.result);
  if ('text' in value) return String(value.text);
  return '';
}
