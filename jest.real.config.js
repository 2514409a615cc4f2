// The end-to-end tests on real daemons (tests/real/): one lab of network namespaces shared by the
// tests of a file, so files run one at a time. `npm run test:real`; needs root and the Debian
// packages that .ci/run installs.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/tests/real/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 120000,
};
