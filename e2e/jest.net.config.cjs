// `npm run test:net` (root only): the end-to-end tests over network namespaces, NAT and iptables in
// e2e/src/net/. They build and tear down their own networks, so they run one file at a time.
module.exports = {
  displayName: 'e2e-net',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  roots: ['<rootDir>/src/net'],
  testTimeout: 180000,
  maxWorkers: 1,
};
