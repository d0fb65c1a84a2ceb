export * from './deep-readonly';
