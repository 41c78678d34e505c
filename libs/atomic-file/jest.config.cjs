module.exports = {
  displayName: 'atomic-file',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
