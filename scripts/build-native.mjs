// Builds the runtime's native shared-memory module (src/runtime/memory/native/shm.c) into
// dist/runtime/native/<platform>-<arch>/shm.node with the system C compiler and the Node-API
// headers from node-api-headers (no node-gyp, no download). Linux only: elsewhere, or without a
// compiler, it says so and the runtime uses its pure-JS fallback (docs/shared-state.md).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src/runtime/memory/native/shm.c');
const include = path.join(root, 'node_modules/node-api-headers/include');
const outDir = path.join(root, 'dist/runtime/native', `${process.platform}-${process.arch}`);
const out = path.join(outDir, 'shm.node');

if (process.platform !== 'linux') {
  console.log(`build-native: ${process.platform} has no futex; the runtime will use its file fallback for process-context shared memory`);
  process.exit(0);
}
if (!fs.existsSync(include)) {
  console.error('build-native: node_modules/node-api-headers is missing: run npm install');
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
const cc = process.env.CC || 'cc';
const args = ['-O2', '-shared', '-fPIC', '-Wall', '-Wextra', '-Wno-unused-parameter', '-std=gnu11', '-DNODE_GYP_MODULE_NAME=shm', '-I', include, src, '-o', out];
// Node-API symbols come from the node binary at load time.
const r = spawnSync(cc, args, { stdio: 'inherit' });
if (r.error || r.status !== 0) {
  console.error(`build-native: ${cc} failed${r.error ? `: ${r.error.message}` : ''}`);
  process.exit(1);
}
console.log(`build-native: ${path.relative(root, out)}`);
