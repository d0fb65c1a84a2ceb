export * from './clock';
export * from './resources';
export * from './resources.module';
export * from './admin-token';
