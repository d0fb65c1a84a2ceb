export * from './database';
export * from './listener';
export * from './migrate';
export * from './schema';
export * from './embedded-postgres';
