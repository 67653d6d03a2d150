// UI-driven end-to-end tests: plain Node mocha driving a real VS Code workbench (code-server +
// headless Chromium) like a user. Run by `npm run test:integration` (its last phase) or alone:
//   npx mocha --config test/e2e/.mocharc.cjs
// No root leak hook here: the workbench session deliberately lives across tests; each suite's
// after() stops it and fails if anything it started survives (see workbench.ts).
module.exports = {
  require: ['sucrase/register/ts'],
  extension: ['ts'],
  spec: ['test/e2e/**/*.test.ts'],
  timeout: 120000,
  reporter: 'spec',
};
