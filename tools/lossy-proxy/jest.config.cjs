module.exports = {
  displayName: 'lossy-proxy',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
