/** Jest runs TypeScript through swc; ESM-only dependencies are compiled to CommonJS too (see test/jest-*.js). */
module.exports = {
  testEnvironment: 'node',
  resolver: '<rootDir>/test/jest-resolver.js',
  transform: { '^.+\\.(t|j|mj|cj)sx?$': '<rootDir>/test/jest-transform.js' },
  transformIgnorePatterns: [],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The crash and concurrency suites take minutes: `npm run test:slow` (jest.slow.config.js), also run by CI.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/slow/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
};
