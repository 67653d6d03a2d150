// The webview page rendered in headless Chromium (Debian's /usr/bin/chromium via playwright-core).
module.exports = {
  require: ['sucrase/register/ts', './test/helpers/leaks.ts'],
  extension: ['ts'],
  spec: ['test/webview/**/*.test.ts'],
  timeout: 60000,
  reporter: 'spec',
};
