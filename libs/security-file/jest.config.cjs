module.exports = {
  displayName: 'security-file',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
