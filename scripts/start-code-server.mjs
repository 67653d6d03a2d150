#!/usr/bin/env node
// The code-server half of `npm start` (scripts/start.sh): see scripts/lib/start.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { runMain } = require('./lib/cli.ts');
const { main } = require('./lib/start.ts');

await runMain('start', () => main(process.argv.slice(2)));
