// Entry script of every child the runtime starts (process or worker thread). It loads the very
// same runtime bundle the snippet will import (dist/runtime/index.js), so the snippet's
// `concurrency-lab` and the bootstrap share one module instance and one identity.
import { isMainThread } from 'worker_threads';
import { tracing } from './tracing/tracer';
import { installModuleHooks } from './loader/register';

declare const __non_webpack_require__: NodeJS.Require;

// Node 20 runs NODE_OPTIONS' --import preload (and so the runner's module hooks: TypeScript, the
// bare `concurrency-lab` specifier) only in a process's main thread. A worker thread of a traced
// run installs the same hooks itself before it imports the snippet again.
if (tracing && !isMainThread) installModuleHooks();

const runtime = __non_webpack_require__('./index.js') as { __bootChild(): Promise<void> };
runtime.__bootChild().catch((err: Error) => {
  process.stderr.write(`concurrency-lab: child failed to start: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
