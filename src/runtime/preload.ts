// Loaded into every Node process of a run before the snippet (the runner puts it in NODE_OPTIONS,
// which every descendant inherits). Node built-ins + src/trace only: it runs inside the snippet.
// When tracing: reports this process's start, its children's exits, its output; enforces the
// process cap; and installs the module hooks that make `concurrency-lab` and TypeScript load.
import { isMainThread } from 'worker_threads';
import { tracing } from './tracer';
import { reportStart, watchChildProcesses } from './captureProcesses';
import { captureOutput } from './captureOutput';

if (tracing) {
  if (isMainThread) {
    reportStart();
    // A worker's output reaches the terminal through its process's main thread, which captures it.
    captureOutput();
  }
  // Worker threads may start processes too.
  watchChildProcesses();
}
