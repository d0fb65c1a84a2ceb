import { DocumentError, type Location } from '../drafts';
import type { ProblemCode } from '@shinchoku/http';

/** One line of a document as cells: a tab-separated text line, or a worksheet row. */
export interface Row {
  line: number;
  cells: readonly string[];
  /**
   * Every cell of the line is here, blank ones too (published text): a row narrower than the
   * heading of its table was cut short. Workbook rows end at their last value.
   */
  exactWidth?: boolean;
  /** How an error names the cell at `index` (0-based), with the column's heading when known. */
  cellName(index: number, heading?: string): string;
  /**
   * The note attached to the cell at `index`, for layouts that keep notes (a workbook's cell
   * comments); absent where the layout has no place for them (published text).
   */
  noteOf?: (index: number) => string | undefined;
}

export const at = (row: Row, index: number, heading?: string): Location => ({ line: row.line, cell: row.cellName(index, heading) });

export const fail = (row: Row, index: number, reason: string, heading?: string, code?: ProblemCode): never => {
  throw new DocumentError(at(row, index, heading), reason, code);
};

/** A row of a table (or a narrative block) that keeps its width must be as wide as its heading. */
export function checkWidth(row: Row, heading: Row): void {
  if (!row.exactWidth || row.cells.length >= heading.cells.length) return;
  fail(
    row,
    row.cells.length - 1,
    `the row has ${row.cells.length} of the ${heading.cells.length} cells of its heading (line ${heading.line}): the document looks cut short`,
    undefined,
    'TruncatedDocument',
  );
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * A cell's text as a person reads it: the HTML the publishing system left in cells (<ul><li>, <p>)
 * becomes bullets and line breaks, entities are decoded, runs of blanks become one, ends are trimmed.
 */
export function cleanCell(raw: string | undefined): string {
  if (!raw) return '';
  return raw
    .replace(/<li\b[^>]*>\s*(?!・)/gi, '・')
    .replace(/<\/p>|<br\s*\/?>|<\/li>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name]!)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Labels compare without blanks and in half width: "(参考) 関連する総合計画に おける政策指標" is one label however it wrapped. */
export const labelOf = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/** "・a ・b" → ["・a", "・b"]; a bullet inside a phrase ("全体・うち") is not a new item. */
export function bulletItems(text: string): string[] {
  return text
    .split(/(?:^|\s+)(?=・)/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Full-width or half-width digits ("１", "12") as a whole number; undefined otherwise. */
export function wholeNumber(text: string): number | undefined {
  const normalized = text.normalize('NFKC').trim();
  return /^\d{1,6}$/.test(normalized) ? Number(normalized) : undefined;
}

const RATINGS: Record<string, '○' | '△' | '×'> = { '○': '○', 〇: '○', '◯': '○', '△': '△', '▲': '△', '×': '×', '✕': '×', x: '×', X: '×' };

export const ratingOf = (text: string) => RATINGS[text.trim()];
