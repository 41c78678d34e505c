// The end-to-end suite run by `npm test`: real processes, real sockets, a real pseudo-terminal.
// The root-only network-namespace tests (src/net) have their own config and `npm run test:net`.
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/net/'],
  testTimeout: 120000,
};
