/** Tests run against real PostgreSQL and Redis: each run gets its own databases and queue prefixes. */
module.exports = {
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/libs/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ESM-only packages must be compiled for jest (it has no require(esm) on Node 20); the pattern
  // looks at the innermost node_modules, as some sit nested.
  transformIgnorePatterns: ['/node_modules/(?!.*/node_modules/)(?!(@nestjs|jose)/)'],
  moduleNameMapper: { '^@shinchoku/(.*)$': '<rootDir>/libs/$1' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testEnvironment: 'node',
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
