// Entry point of dist/cli.js (package.json bin `concurrency-lab`).
// First: stop signals are caught from here on (see stopSignals.ts).
import './stopSignals';
import { main } from './cli';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
