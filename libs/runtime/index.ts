export * from './resources';
export * from './resources.module';
