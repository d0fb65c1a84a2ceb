export * from './calendar';
export * from './department';
