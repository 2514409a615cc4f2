// ESM all the way: the package is "type": "module" so that ESM-only p-retry loads natively in
// the build and in the tests (jest runs under node --experimental-vm-modules, see package.json).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // Real daemons in network namespaces, as root: `npm run test:real` (jest.real.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/real/'],
  testTimeout: 30000,
};
