// The contract between the runner (which owns a run) and the runtime (which runs inside every
// process of it). Both sides import these names so they cannot drift apart.
//
// Transport: the runner makes a fresh directory and passes it in TRACE_DIR_ENV. Every traced
// process appends its events, one JSON value per line (an event, or a compact line: see
// compact.ts), to its own file `<dir>/<pid>-<tid>.jsonl` (tid 0 = the process's main thread)
// with synchronous writes. One writer per file means no interleaving, synchronous appends mean
// an event is on disk (page cache) the moment it is written, so a SIGKILL loses nothing already
// written; the runner tails the files and merges them on the shared clock. No header line in
// these per-process files.

/** Absolute path of the run's trace directory; unset = tracing off (costs nothing). */
export const TRACE_DIR_ENV = 'CONCURRENCY_LAB_TRACE_DIR';
/** Cap on live processes of the run, main included (string of a positive integer). */
export const MAX_PROCESSES_ENV = 'CONCURRENCY_LAB_MAX_PROCESSES';
/** Default context for getContext() with no argument: 'process' | 'thread'. */
export const CONTEXT_ENV = 'CONCURRENCY_LAB_CONTEXT';
/** Opaque id of the run, for diagnostics. */
export const RUN_ID_ENV = 'CONCURRENCY_LAB_RUN_ID';

/** `kind` of a compact-line template definition in a per-process file (src/trace/compact.ts). */
export const TEMPLATE_KIND = 'trace.template';

export function traceFileName(pid: number, tid = 0): string {
  return `${pid}-${tid}.jsonl`;
}

/** Inverse of traceFileName; undefined for files that are not trace files. */
export function parseTraceFileName(name: string): { pid: number; tid: number } | undefined {
  const m = /^(\d+)-(\d+)\.jsonl$/.exec(name);
  return m ? { pid: Number(m[1]), tid: Number(m[2]) } : undefined;
}

/** Name of a process started by the runtime (`Process-1`, `Process-1:2`, `PoolWorker-3`); the
 *  preload reports it in process.start. Absent in the main process, which is `MainProcess`. */
export const PROCESS_NAME_ENV = 'CONCURRENCY_LAB_PROCESS_NAME';

/** Pid of the runner that started the run: the preload names its direct child `MainProcess`. */
export const RUNNER_PID_ENV = 'CONCURRENCY_LAB_RUNNER_PID';
/** Set to "1" by the runner when the snippet needs the ESM module hooks (an ES module that imports
 *  `concurrency-lab`, or TypeScript loaded as ESM). Registering them starts a loader thread, which
 *  costs ~30 ms per process, so a plain snippet does without. */
export const ESM_HOOKS_ENV = 'CONCURRENCY_LAB_ESM_HOOKS';
/** 'plain' | 'color': each process prefixes the lines it writes to stdout/stderr with its name and pid. */
export const OUTPUT_PREFIX_ENV = 'CONCURRENCY_LAB_OUTPUT_PREFIX';

/**
 * Shared memory of the process context lives in files named `<SHM_PREFIX><runId>-…` (in /dev/shm):
 * each process removes the ones it made when it exits, and the runner removes what is left of
 * a run (a process killed by SIGKILL cannot) when the run ends.
 */
export const SHM_PREFIX = 'concurrency-lab-';
/** The files of one run. */
export function shmRunPrefix(runId: string): string {
  return `${SHM_PREFIX}${runId}-`;
}
/** Where they live. */
export const SHM_DIR = '/dev/shm';
/** 'native' | 'file': force the process context's shared-memory backend (tests, benchmarks). */
export const SHM_ENV = 'CONCURRENCY_LAB_SHM';
