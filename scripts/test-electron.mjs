#!/usr/bin/env node
// `npm run test:electron`: see scripts/lib/test-electron.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { runMain } = require('./lib/cli.ts');
const { main } = require('./lib/test-electron.ts');

await runMain('test:electron', () => main(process.argv.slice(2)));
