// Plain-Node tests: no VS Code, no browser. TypeScript is compiled on the fly by sucrase.
// Files or folders named on the command line (`npm run test:unit -- test/unit/trace`) replace the
// default spec: mocha would otherwise ADD them to it and run the whole suite anyway.
// Which words are files is decided with mocha's own table of options that take a value, so a
// value such as `-g 'test/unit'` is never taken for a file.
const { types, aliases } = require('mocha/lib/cli/run-option-metadata');

function namedSpecs(argv) {
  const takesValue = new Set([...types.array, ...types.string, ...types.number]);
  for (const [name, short] of Object.entries(aliases)) if (takesValue.has(name)) short.forEach((s) => takesValue.add(s));
  const named = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      named.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-')) named.push(arg);
    else if (!arg.includes('=') && takesValue.has(arg.replace(/^--?/, ''))) i++;
  }
  return named;
}

const named = namedSpecs(process.argv.slice(2));

module.exports = {
  require: ['sucrase/register/ts', './test/helpers/leaks.ts'],
  extension: ['ts'],
  spec: named.length ? [] : ['test/unit/**/*.test.ts'],
  recursive: named.length > 0,
  timeout: 20000,
  reporter: 'spec',
  exit: false,
};
