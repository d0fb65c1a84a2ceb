import type { ImportLimits } from './import-limits';
import type { ProblemCode } from '@shinchoku/http';
import { DocumentError, type Location } from '../drafts';

/** Each cap: the setting that changes it, the problem's code, and whether it is a cap on bytes (413) or on structure (422). */
export const LIMITS: Record<keyof ImportLimits, { setting: string; code: ProblemCode; bytes: boolean }> = {
  unzippedBytes: { setting: 'IMPORT_MAX_UNZIPPED_BYTES', code: 'UnzippedTooLarge', bytes: true },
  sheets: { setting: 'IMPORT_MAX_SHEETS', code: 'TooManySheets', bytes: false },
  rows: { setting: 'IMPORT_MAX_ROWS', code: 'TooManyRows', bytes: false },
  columns: { setting: 'IMPORT_MAX_COLUMNS', code: 'TooManyColumns', bytes: false },
  cells: { setting: 'IMPORT_MAX_CELLS', code: 'TooManyCells', bytes: false },
  readMemoryMb: { setting: 'IMPORT_READ_MEMORY_MB', code: 'ReadMemoryExceeded', bytes: true },
  readTimeoutMs: { setting: 'IMPORT_READ_TIMEOUT_MS', code: 'ReadTimeExceeded', bytes: false },
};

/** A file over one of the caps: refused as a whole, before or while it is read, naming the cap. */
export class DocumentLimitError extends DocumentError {
  constructor(
    at: Location,
    readonly finding: string,
    readonly limit: keyof ImportLimits,
    readonly value: number,
  ) {
    super(at, `${finding} (the limit is ${value}, ${LIMITS[limit].setting})`, LIMITS[limit].code);
  }

  get setting(): string {
    return LIMITS[this.limit].setting;
  }

  get bytes(): boolean {
    return LIMITS[this.limit].bytes;
  }
}
