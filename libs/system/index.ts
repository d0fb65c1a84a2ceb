export * from './config';
export * from './open-resources';
export * from './processors';
