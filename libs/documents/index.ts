export * from './drafts';
export * from './read-file';
export * from './published/published-text';
export * from './excel/write-workbook';
export * from './excel/read-workbook';
export * from './application/importer';
