#!/usr/bin/env node
// Installs code-server 4.100.3 (VS Code 1.100.3) into .vscode-test/ if it is not there yet.
// Idempotent: returns at once when already installed. Prints the path of its entry script.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { ensureHost, HostError } = require('./lib/install-host.ts');

try {
  const entry = await ensureHost((line) => console.error(line));
  console.log(entry);
} catch (err) {
  if (!(err instanceof HostError)) throw err;
  console.error(`ensure-vscode-host: ${err.message}`);
  process.exit(1);
}
