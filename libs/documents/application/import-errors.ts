import { DocumentError, type Location } from '../drafts';
import type { Conflict } from './stale';

/**
 * An id read from a file names a sheet, goal, indicator or ward plan other than the one the file
 * claims to be about (another ward's, another unit's): the whole upload is refused.
 */
export class ForeignIdError extends DocumentError {
  constructor(at: Location, reason: string) {
    super(at, reason, 'ForeignId');
  }
}

/** Cells the workbook changed were changed by someone else too since it was exported: nothing is imported. */
export class StaleWorkbookError extends DocumentError {
  constructor(readonly conflicts: Conflict[]) {
    const first = conflicts[0]!;
    super(
      { line: 1 },
      `${conflicts.length} cell(s) changed since the workbook was exported (first: ${first.department} ${first.unit}, ${first.indicator ?? first.field}, changed by ${first.changedBy.name} at ${first.changedAt}); export again, or import with force to overwrite them`,
      'StaleWorkbook',
    );
  }
}
