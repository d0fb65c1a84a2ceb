/**
 * Two tiers. `unit` (files named *.unit.test.ts): pure code, no database, Redis or network — a socket
 * connect fails the test. `int` (every other test): real PostgreSQL and Redis; each run gets its own
 * databases and queue prefixes, made by the global setup.
 */
const shared = {
  rootDir: '.',
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
  testEnvironment: 'node',
};
const testRoots = ['<rootDir>/test/**/', '<rootDir>/libs/**/'];

const tiers = [
  {
    ...shared,
    displayName: 'unit',
    testMatch: testRoots.map((root) => `${root}*.unit.test.ts`),
    setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'],
  },
  {
    ...shared,
    displayName: 'int',
    testMatch: testRoots.map((root) => `${root}*.test.ts`),
    testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
    globalSetup: '<rootDir>/test/support/global-setup.ts',
    setupFilesAfterEnv: ['<rootDir>/test/support/port-claims.ts'],
    globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  },
];
// `npm run test:unit` / `test:int` pick one tier by this variable rather than --selectProjects, whose
// list would swallow the test paths given after it.
const tier = process.env.SHINCHOKU_TEST_TIER;
const projects = tier ? tiers.filter(({ displayName }) => displayName === tier) : tiers;
if (projects.length === 0) throw new Error(`SHINCHOKU_TEST_TIER=${tier}: no such tier (unit, int)`);

module.exports = {
  projects,
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
