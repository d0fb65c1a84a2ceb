import type { z } from 'zod';
import { integer, type Config } from '@shinchoku/config';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './reading/import-limits';

/** The imports' settings, read from the environment with every other library's (unset = the default). */
export const documentsEnvironment = {
  IMPORT_MAX_BYTES: integer(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
  // Hostile files: what reading one uploaded file may unpack, hold and spend, checked before exceljs sees it.
  IMPORT_MAX_UNZIPPED_BYTES: integer(1024 * 1024, 4 * 1024 * 1024 * 1024).default(DEFAULT_IMPORT_LIMITS.unzippedBytes),
  IMPORT_MAX_SHEETS: integer(1, 10_000).default(DEFAULT_IMPORT_LIMITS.sheets),
  IMPORT_MAX_ROWS: integer(10, 1_048_576).default(DEFAULT_IMPORT_LIMITS.rows),
  IMPORT_MAX_COLUMNS: integer(10, 16_384).default(DEFAULT_IMPORT_LIMITS.columns),
  IMPORT_MAX_CELLS: integer(100, 100_000_000).default(DEFAULT_IMPORT_LIMITS.cells),
  IMPORT_READ_MEMORY_MB: integer(64, 65_536).default(DEFAULT_IMPORT_LIMITS.readMemoryMb),
  IMPORT_READ_TIMEOUT_MS: integer(100, 3_600_000).default(DEFAULT_IMPORT_LIMITS.readTimeoutMs),
};

export type DocumentsEnvironment = z.output<z.ZodObject<typeof documentsEnvironment>>;

export interface DocumentsSettings {
  /** The largest file POST /imports accepts; larger ones are refused with 413 while they stream in. */
  importMaxBytes: number;
  /** Caps on reading an imported file; over one, the file is refused naming the cap's setting. */
  importLimits: ImportLimits;
}

/** The configuration as the documents read it: the plain settings and their own. */
export type DocumentsConfig = Config & DocumentsSettings;

export function documentsSettingsOf(e: DocumentsEnvironment): DocumentsSettings {
  return {
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importLimits: {
      unzippedBytes: e.IMPORT_MAX_UNZIPPED_BYTES,
      sheets: e.IMPORT_MAX_SHEETS,
      rows: e.IMPORT_MAX_ROWS,
      columns: e.IMPORT_MAX_COLUMNS,
      cells: e.IMPORT_MAX_CELLS,
      readMemoryMb: e.IMPORT_READ_MEMORY_MB,
      readTimeoutMs: e.IMPORT_READ_TIMEOUT_MS,
    },
  };
}
