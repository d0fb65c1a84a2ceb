export * from './queue-factory';
