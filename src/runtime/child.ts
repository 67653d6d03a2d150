// Entry script of every child the runtime starts (process or worker thread). It loads the very
// same runtime bundle the snippet will import (dist/runtime/index.js), so the snippet's
// `concurrency-lab` and the bootstrap share one module instance and one identity.
declare const __non_webpack_require__: NodeJS.Require;

const runtime = __non_webpack_require__('./index.js') as { __bootChild(): Promise<void> };
runtime.__bootChild().catch((err: Error) => {
  process.stderr.write(`concurrency-lab: child failed to start: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
