// Plain-Node tests: no VS Code, no browser. TypeScript is compiled on the fly by sucrase.
module.exports = {
  require: ['sucrase/register/ts', './test/helpers/leaks.ts'],
  extension: ['ts'],
  spec: ['test/unit/**/*.test.ts'],
  timeout: 20000,
  reporter: 'spec',
  exit: false,
};
