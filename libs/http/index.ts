export * from './authentication';
export * from './command-context';
export * from './ids';
export * from './problem';
export * from './problem.filter';
export * from './validation';
export * from './version-etag';
export * from './csv';
