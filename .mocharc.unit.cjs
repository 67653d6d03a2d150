// Plain-Node tests: no VS Code, no browser. TypeScript is compiled on the fly by sucrase.
// Files or folders named on the command line (`npm run test:unit -- test/unit/trace`) replace the
// default spec: mocha would otherwise ADD them to it and run the whole suite anyway.
const named = process.argv.slice(2).filter((a) => !a.startsWith('-') && /(^|\/)test\//.test(a));

module.exports = {
  require: ['sucrase/register/ts', './test/helpers/leaks.ts'],
  extension: ['ts'],
  spec: named.length ? [] : ['test/unit/**/*.test.ts'],
  recursive: named.length > 0,
  timeout: 20000,
  reporter: 'spec',
  exit: false,
};
