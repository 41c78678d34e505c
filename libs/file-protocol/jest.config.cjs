module.exports = {
  displayName: 'file-protocol',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
