export * from './summaries';
export * from './summaries.module';
export * from './summaries.processor';
