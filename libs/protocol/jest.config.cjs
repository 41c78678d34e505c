module.exports = {
  displayName: 'protocol',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
