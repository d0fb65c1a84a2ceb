export * from './access.module';
export * from './domain/index';
export * from './application/access-tokens';
export * from './application/principal';
export * from './application/scope-lookup';
export * from './http/requires';
export * from './http/hardening';
export * from './access-settings';
