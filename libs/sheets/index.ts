export * from './sheets.module';
export * from './application/sheet-commands';
export * from './application/sheet-queries';
export * from './application/sheet-view-cache';
export * from './application/aggregates';
export * from './application/rebuild-current-state';
export type { Undated } from './application/command-runner';
export { fiscalYearText } from './http/schemas';
