export * from './processor';
export * from './processor-runner';
export * from './processors.module';
