import type { DocumentDraft } from '../drafts';
import type { Row } from '../layout/cells';
import { readDocument } from '../layout/read-document';

/**
 * The text extracted from a city's published 組織目標管理シート PDFs: one table row per line,
 * cells separated by tabs (see test/fixtures/seeds). Lines are numbered from 1, cells too.
 */
export function readPublishedText(text: string): DocumentDraft {
  const rows: Row[] = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({
      line: index + 1,
      cells: line.split('\t'),
      cellName: (cell, heading) => `${cell + 1}${heading ? ` (${heading})` : ''}`,
    }));
  return readDocument(rows);
}
