// The client renders with Ink 6, which (like its dependencies) ships only as ES modules, so this
// project runs Jest in ESM mode: ts-jest emits ESM and Jest must be started with
// NODE_OPTIONS=--experimental-vm-modules (the project's `test` target does that).
const path = require('node:path');
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'client',
  rootDir: __dirname,
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  // Ink and React resolve their "node" export conditions, not the browser builds.
  testEnvironmentOptions: { customExportConditions: ['node'] },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json'), useESM: true }],
  },
  transformIgnorePatterns: ['/node_modules/'],
};
