#!/usr/bin/env node
// `npm run test:integration`: see scripts/lib/test-integration.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { runMain } = require('./lib/cli.ts');
const { main } = require('./lib/test-integration.ts');

await runMain('test:integration', () => main(process.argv.slice(2)));
