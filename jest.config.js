/** ESM recipe: ts-jest in ESM mode, `.js` import suffixes mapped back to the `.ts` sources. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // A test that fails before its clean-up must not leave a simulator keeping jest from exiting.
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/close-sims.ts'],
  testTimeout: 30000,
  // The long suites mostly wait on simulated latency and timeouts: two workers keep a 2-core
  // runner busy (jest's default there is one).
  maxWorkers: 2
};
