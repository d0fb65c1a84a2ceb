/**
 * What reading one uploaded file (HTTP or the command line) may cost: bytes inflated from a
 * workbook (counted while inflating), its sheets, rows and columns per sheet (or lines and cells
 * per line of text), cells in all; and the worker thread that reads it, its heap and its time.
 * Apart from the settings so that the reader's worker starts without loading every setting's schema.
 */
export interface ImportLimits {
  unzippedBytes: number;
  sheets: number;
  rows: number;
  columns: number;
  cells: number;
  readMemoryMb: number;
  readTimeoutMs: number;
}

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = {
  unzippedBytes: 64 * 1024 * 1024,
  sheets: 200,
  rows: 5_000,
  columns: 100,
  cells: 200_000,
  readMemoryMb: 256,
  readTimeoutMs: 20_000,
};
