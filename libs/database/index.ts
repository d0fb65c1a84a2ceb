export * from './database';
export * from './faults';
export * from './schema';
export * from './embedded-postgres';
export * from './shadow-tables';
