// Entry point of dist/cli.js (package.json bin `concurrency-lab`).
import { main } from './cli';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
