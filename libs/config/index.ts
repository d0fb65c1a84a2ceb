export * from './config';
export * from './startup-error';
export * from './import-limits';
export * from './fields';
