export * from './errors';
export * from './event-store';
export * from './types';
export * from './upcasting';
export * from './verify';
export * from './group-commit';
