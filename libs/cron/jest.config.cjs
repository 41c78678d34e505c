module.exports = {
  displayName: 'cron',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
