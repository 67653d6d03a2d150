// Reference for the CLI's cold start: the least a Node launcher can do — start, spawn
// `node FILE`, wait for it. Two Node startups in a row, which is the floor for any CLI runner.
// Usage: node launcher.mjs FILE
import { spawn } from 'node:child_process';

spawn(process.execPath, [process.argv[2]], { stdio: 'inherit' }).on('exit', (code) => (process.exitCode = code ?? 1));
