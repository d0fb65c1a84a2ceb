export * from './database';
export * from './migrate';
export * from './schema';
export * from './embedded-postgres';
