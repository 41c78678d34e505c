module.exports = {
  displayName: 'llm-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
