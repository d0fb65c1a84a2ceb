import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../reading/import-limits';
import type { DocumentDraft } from '../drafts';
import { fail, type Row } from '../layout/cells';
import { readDocument } from '../layout/read-document';
import { DocumentLimitError } from '../reading/limits';

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** A tag whose ">" never came, or a paragraph opened and not closed: what cutting a cell short leaves. Linear, whatever the cell. */
function endsInsideHtml(cell: string): boolean {
  const last = cell.lastIndexOf('<');
  if (last >= 0 && cell.indexOf('>', last) < 0 && /[A-Za-z/]/.test(cell.charAt(last + 1))) return true;
  return count(cell, /<p\b/gi) > count(cell, /<\/p>/gi);
}

/**
 * The text extracted from a city's published 組織目標管理シート PDFs: one table row per line,
 * cells separated by tabs (see test/fixtures/seeds). Lines are numbered from 1, cells too. Every
 * cell of a line is written, blank ones too, so a line narrower than its table was cut short.
 */
export function readPublishedText(text: string, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): DocumentDraft {
  checkCells(text, limits);
  const rows: Row[] = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({
      line: index + 1,
      cells: line.split('\t'),
      exactWidth: true,
      cellName: (cell, heading) => `${cell + 1}${heading ? ` (${heading})` : ''}`,
    }));
  for (const row of rows) {
    for (const [index, cell] of row.cells.entries()) {
      if (endsInsideHtml(cell)) {
        fail(
          row,
          index,
          'the cell ends inside its HTML (a tag or a <p> never closed): the document looks cut short or damaged',
          undefined,
          'TruncatedDocument',
        );
      }
    }
  }
  return readDocument(rows);
}

/** Counted before anything is split: cells in all (a blank line is one) and cells per line, against the caps. */
function checkCells(text: string, { cells, columns }: ImportLimits): void {
  let total = 1;
  let line = 1;
  let inLine = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 9 && code !== 10) continue;
    if (++total > cells) throw new DocumentLimitError({ line }, `the document has more than ${cells} cells`, 'cells', cells);
    if (code === 10) {
      line++;
      inLine = 1;
    } else if (++inLine > columns) {
      throw new DocumentLimitError({ line, cell: String(inLine) }, `line ${line} has more than ${columns} cells`, 'columns', columns);
    }
  }
}
