import type { ImportLimits } from '../reading/import-limits';
import { DocumentError, type Location } from '../drafts';
import { DocumentLimitError } from '../reading/limits';
import { InflateBudget, corrupt, inflatePart, zipParts } from './zip-parts';

/** The paths exceljs reads as worksheets (it finds the pattern anywhere in a part's name). */
const WORKSHEET = /xl\/worksheets\/sheet\d+[.]xml/;
const XML_PART = /[.](xml|rels|vml)$/i;
/**
 * The elements exceljs acts on by address: cells and rows are created at theirs; a merge, a data
 * validation and a defined name are expanded to every cell of their range. Unprefixed, because
 * exceljs ignores elements under a namespace prefix.
 */
const ELEMENT = /<(c|row|dimension|mergeCell|dataValidation|table|sheet|si|comment|definedName)[\s/>]/g;
const LONGEST_TAG = 1024 * 1024;
const MAX_COLUMN = 16_384;

/**
 * Everything exceljs would be asked to build, counted before it is: the zip's parts inflated a
 * step at a time against IMPORT_MAX_UNZIPPED_BYTES, and the sheets, cells and every address of
 * their XML checked against the caps as they stream past. The first cap passed stops the work.
 */
export async function inspectWorkbook(content: Buffer, limits: ImportLimits): Promise<void> {
  const parts = zipParts(content, limits.sheets);
  if (!parts.some((part) => part.name === 'xl/workbook.xml')) {
    throw new DocumentError({ line: 1 }, 'the file is a zip but not an .xlsx workbook (it has no xl/workbook.xml)', 'NotAWorkbook');
  }
  const worksheets = parts.filter((part) => WORKSHEET.test(part.name)).length;
  if (worksheets > limits.sheets)
    throw new DocumentLimitError({ line: 1 }, `the workbook has ${worksheets} worksheets`, 'sheets', limits.sheets);
  const budget = new InflateBudget(limits.unzippedBytes);
  const counts = new Counts(limits);
  for (const part of parts) {
    if (!XML_PART.test(part.name)) {
      await inflatePart(part, budget, () => {});
      continue;
    }
    const scanner = new ElementScanner(part.name, WORKSHEET.test(part.name), counts);
    await inflatePart(part, budget, (chunk) => scanner.push(chunk));
  }
}

class Counts {
  sheets = 0;
  cells = 0;
  strings = 0;
  comments = 0;
  constructor(readonly limits: ImportLimits) {}

  add(kind: 'sheets' | 'cells' | 'strings' | 'comments', at: Location): void {
    const count = ++this[kind];
    const limit = kind === 'sheets' ? 'sheets' : 'cells';
    if (count <= this.limits[limit]) return;
    const what = { sheets: 'sheets', cells: 'cells', strings: 'shared strings', comments: 'cell comments' }[kind];
    throw new DocumentLimitError(at, `the workbook has more than ${this.limits[limit]} ${what}`, limit, this.limits[limit]);
  }
}

/** Finds the elements that matter in one XML part as its chunks arrive; only a tag cut by a chunk's end is carried over. */
class ElementScanner {
  private carry = '';
  private row = 0;
  private column = 0;

  constructor(
    private readonly part: string,
    private readonly worksheet: boolean,
    private readonly counts: Counts,
  ) {}

  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1');
    const last = text.lastIndexOf('<');
    // Kept for the next chunk: a tag not closed yet, or a defined name whose text may go on.
    const keep = last >= 0 && (text.indexOf('>', last) < 0 || text.startsWith('<definedName', last));
    const cut = keep ? last : text.length;
    this.carry = keep ? text.slice(last) : '';
    if (this.carry.length > LONGEST_TAG) throw corrupt(`${this.part} has a tag longer than ${LONGEST_TAG} bytes`);
    ELEMENT.lastIndex = 0;
    for (let match = ELEMENT.exec(text); match && match.index < cut; match = ELEMENT.exec(text)) {
      const end = text.indexOf('>', match.index);
      this.element(match[1]!, text.slice(match.index, end + 1), end + 1, text);
    }
  }

  private element(name: string, tag: string, after: number, text: string): void {
    const here = (line = this.row, cell?: string): Location => ({ line, cell: `${this.part}${cell ? `!${cell}` : ''}` });
    switch (name) {
      case 'row': {
        if (!this.worksheet) return;
        const r = attribute(tag, 'r');
        this.row = r === undefined ? this.row + 1 : Number(r);
        this.column = 0;
        this.check(this.row, 1, here(this.row, `row ${r ?? this.row}`));
        return;
      }
      case 'c': {
        if (!this.worksheet) return;
        const r = attribute(tag, 'r');
        const address = r === undefined ? undefined : addressOf(r);
        this.column = address ? address.column : this.column + 1;
        if (address) this.row = address.row;
        this.counts.add('cells', here(this.row, r));
        this.check(this.row, this.column, here(this.row, r));
        return;
      }
      case 'dimension':
      case 'mergeCell':
      case 'table':
        this.checkRanges(attribute(tag, 'ref'), name);
        return;
      case 'dataValidation':
        this.checkRanges(attribute(tag, 'sqref'), name);
        return;
      case 'sheet':
        if (this.part === 'xl/workbook.xml') this.counts.add('sheets', here(1));
        return;
      case 'si':
        if (this.part === 'xl/sharedStrings.xml') this.counts.add('strings', here(1));
        return;
      case 'comment':
        this.counts.add('comments', here(1));
        return;
      case 'definedName': {
        const value = text.slice(after, text.indexOf('<', after) < 0 ? undefined : text.indexOf('<', after));
        for (const [, from, to] of value.matchAll(/!(\$?[A-Za-z]+\$?\d+)(?::(\$?[A-Za-z]+\$?\d+))?/g))
          this.checkRanges(to ? `${from}:${to}` : from, 'definedName');
        return;
      }
    }
  }

  /** "A1:B2 D4" as exceljs reads a ref or sqref: each corner must lie within the caps. */
  private checkRanges(refs: string | undefined, element: string): void {
    for (const corner of refs?.split(/[\s:]+/) ?? []) {
      const address = addressOf(corner);
      if (address) this.check(address.row, address.column, { line: address.row, cell: `${this.part}!${corner} (${element})` });
    }
  }

  private check(row: number, column: number, at: Location): void {
    const { rows, columns } = this.counts.limits;
    if (row > rows) throw new DocumentLimitError(at, `row ${row} is beyond the last row read`, 'rows', rows);
    if (column > columns) throw new DocumentLimitError(at, `column ${column} is beyond the last column read`, 'columns', columns);
  }
}

const ATTRIBUTES = Object.fromEntries(['r', 'ref', 'sqref'].map((name) => [name, new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`)]));

function attribute(tag: string, name: 'r' | 'ref' | 'sqref'): string | undefined {
  return ATTRIBUTES[name]!.exec(tag)?.[1];
}

/** "$AB$12" → column 28, row 12; letters past XFD count as beyond every column. */
function addressOf(ref: string): { row: number; column: number } | undefined {
  const m = /^\$?([A-Za-z]{1,4})\$?(\d{1,10})$/.exec(ref.trim());
  if (!m) return undefined;
  let column = 0;
  for (const letter of m[1]!.toUpperCase()) column = column * 26 + letter.charCodeAt(0) - 64;
  return { row: Number(m[2]), column: Math.min(column, MAX_COLUMN + 1) };
}
