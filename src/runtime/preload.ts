// Loaded into every Node process of a run before the snippet (the runner puts it in NODE_OPTIONS,
// which every descendant inherits). Node built-ins + src/trace only: it runs inside the snippet.
// When tracing: reports this process's start, its children's exits, its output; enforces the
// process cap; installs the module hooks that make `concurrency-lab` and TypeScript load; and
// reports a syntax error in the snippet as one file:line:col line.
import { isMainThread } from 'worker_threads';
import { tracing } from './tracing/tracer';
import { reportStart, watchChildProcesses } from './tracing/captureProcesses';
import { captureOutput } from './tracing/captureOutput';
import { installModuleHooks, reportSyntaxErrors } from './loader/register';

if (tracing) {
  if (isMainThread) {
    reportStart();
    // A worker's output reaches the terminal through its process's main thread, which captures it.
    captureOutput();
    reportSyntaxErrors();
  }
  // Each thread has its own module loaders (a worker imports the snippet too), and worker
  // threads may start processes.
  installModuleHooks();
  watchChildProcesses();
}
