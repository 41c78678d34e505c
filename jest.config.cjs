// One Jest run over every project (npm test): each project keeps its own config, this only lists them.
// The end-to-end suite (e2e/) runs last-ish by itself because it starts real processes.
module.exports = {
  projects: [
    '<rootDir>/libs/crypto/jest.config.cjs',
    '<rootDir>/libs/protocol/jest.config.cjs',
    '<rootDir>/libs/atomic-file/jest.config.cjs',
    '<rootDir>/libs/security-file/jest.config.cjs',
    '<rootDir>/libs/context/jest.config.cjs',
    '<rootDir>/libs/cron/jest.config.cjs',
    '<rootDir>/libs/file-protocol/jest.config.cjs',
    '<rootDir>/libs/llm/jest.config.cjs',
    '<rootDir>/tools/lossy-proxy/jest.config.cjs',
    '<rootDir>/tools/testing/jest.config.cjs',
    '<rootDir>/tools/bench/jest.config.cjs',
    '<rootDir>/apps/relay/jest.config.cjs',
    '<rootDir>/apps/llm-server/jest.config.cjs',
    '<rootDir>/apps/client/jest.config.cjs',
    '<rootDir>/e2e/jest.config.cjs',
  ],
  maxWorkers: 2,
};
