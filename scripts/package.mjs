#!/usr/bin/env node
// `npm run package`: see scripts/lib/package.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { runMain } = require('./lib/cli.ts');
const { main } = require('./lib/package.ts');

await runMain('package', () => main(process.argv.slice(2)));
