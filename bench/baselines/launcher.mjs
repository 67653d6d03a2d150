// Reference for the CLI's cold start: the least a Node launcher can do — start, spawn
// `node FILE ARGS…`, wait for it. Two Node startups in a row, which is the floor for any CLI
// runner. CONCURRENCY_LAB_BENCH_CHILD_NODE_OPTIONS becomes the child's NODE_OPTIONS (e.g. the
// preload), so the launcher itself starts as bare as the CLI does.
// Usage: node launcher.mjs FILE [ARGS…]
import { spawn } from 'node:child_process';

const env = { ...process.env };
const childOptions = env.CONCURRENCY_LAB_BENCH_CHILD_NODE_OPTIONS;
delete env.CONCURRENCY_LAB_BENCH_CHILD_NODE_OPTIONS;
if (childOptions) env.NODE_OPTIONS = childOptions;
spawn(process.execPath, process.argv.slice(2), { stdio: 'inherit', env }).on('exit', (code) => (process.exitCode = code ?? 1));
