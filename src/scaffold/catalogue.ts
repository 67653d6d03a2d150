// The examples this extension can scaffold: one entry per seed example, in the seed's order.
// Pure data (no vscode) so unit tests can check it against examples/ and package.json.

export type ExampleId =
  | 'process'
  | 'pool-apply-async'
  | 'pool-apply'
  | 'pool-map'
  | 'queue'
  | 'pipe'
  | 'pipe-duplex'
  | 'processes-vs-threads'
  | 'shared-value-array'
  | 'counter-race'
  | 'event-barrier'
  | 'manager'
  | 'deadlock-locks'
  | 'pipe-deadlock'
  | 'starved-worker';

export type Family = 'process' | 'pool' | 'queue' | 'pipe' | 'threads' | 'shared';

export type Language = 'javascript' | 'typescript' | 'python';

export interface ExampleInfo {
  id: ExampleId;
  family: Family;
  /** English title; shown through vscode.l10n.t (the zh-cn bundle has its translation). */
  title: string;
  /** One line on what it shows, also localized. */
  detail: string;
}

export const EXAMPLES: readonly ExampleInfo[] = [
  { id: 'process', family: 'process', title: 'Process: start 5 children', detail: 'The parent prints its pid; 5 children print their name and pid; join them all.' },
  { id: 'pool-apply-async', family: 'pool', title: 'Pool: applyAsync (parallel)', detail: 'Pool(3), 6 tasks of 1 s: 3 run at once on 3 reused workers.' },
  { id: 'pool-apply', family: 'pool', title: 'Pool: apply (one at a time)', detail: 'The same 6 tasks with the blocking apply: never two at once.' },
  { id: 'pool-map', family: 'pool', title: 'Pool: map, imap, imapUnordered', detail: 'The same work, results in input order or in completion order.' },
  { id: 'queue', family: 'queue', title: 'Queue: two writers, one reader', detail: 'put/get across processes, Full and Empty, terminating an endless reader.' },
  { id: 'pipe', family: 'pipe', title: "Pipe: send ['spam', 42, 'egg']", detail: 'A child sends a list through its end of a Pipe.' },
  { id: 'pipe-duplex', family: 'pipe', title: 'Pipe: duplex talk', detail: 'The child sends a dict, the parent replies with a Set.' },
  { id: 'processes-vs-threads', family: 'threads', title: 'Processes vs threads', detail: "The same Pool workload in the 'process' and the 'thread' context." },
  { id: 'shared-value-array', family: 'shared', title: 'Value and Array: shared memory', detail: 'A child writes a shared Value and negates a shared Array; the parent sees both.' },
  { id: 'counter-race', family: 'shared', title: 'Counter race: with and without a lock', detail: '4 processes add 1 to one Value 50,000 times each: updates are lost until the lock is held.' },
  { id: 'event-barrier', family: 'shared', title: 'Event and Barrier: waiting together', detail: 'The parent starts 3 workers with an Event; they wait for each other at a Barrier.' },
  { id: 'manager', family: 'shared', title: 'Manager: a shared dict and list', detail: 'A server process holds a dict and a list; children fill them through proxies.' },
  // They deadlock on purpose (the run is reported and goes on until stopped); `fixed` runs the fix.
  { id: 'deadlock-locks', family: 'shared', title: 'Deadlock: two locks in opposite order', detail: 'Each process holds one lock and waits for the other: the deadlock is named live. The fix: one lock order.' },
  { id: 'pipe-deadlock', family: 'pipe', title: 'Deadlock: both ends of a Pipe recv() first', detail: 'Each end waits for a message the other never sends. The fix: one side sends first.' },
  { id: 'starved-worker', family: 'queue', title: 'A starved worker: one stop mark for two workers', detail: 'One worker stops; the other waits in Queue.get for work that never comes. The fix: one mark per worker.' },
];

/** Examples that deadlock as written (run with the argument `fixed` for their fixed variant). */
export const DEADLOCK_EXAMPLES: ReadonlySet<ExampleId> = new Set(['deadlock-locks', 'pipe-deadlock', 'starved-worker']);

export const EXAMPLE_IDS: readonly ExampleId[] = EXAMPLES.map((e) => e.id);

export const LANGUAGES: readonly Language[] = ['javascript', 'typescript', 'python'];

export function isExampleId(x: unknown): x is ExampleId {
  return typeof x === 'string' && (EXAMPLE_IDS as readonly string[]).includes(x);
}

export function isLanguage(x: unknown): x is Language {
  return x === 'javascript' || x === 'typescript' || x === 'python';
}

export function exampleInfo(id: ExampleId): ExampleInfo {
  const info = EXAMPLES.find((e) => e.id === id);
  if (!info) throw new Error(`unknown example ${id}`);
  return info;
}

export function examplesOf(family: Family): ExampleInfo[] {
  return EXAMPLES.filter((e) => e.family === family);
}

/** ESM in JavaScript and TypeScript, so top-level await works inside the isMainProcess() guard. */
export function extensionOf(language: Language): '.mjs' | '.mts' | '.py' {
  return language === 'javascript' ? '.mjs' : language === 'typescript' ? '.mts' : '.py';
}

/** An example's file name without extension: its id, or in Python `<id>_example` (a module name
 *  that cannot shadow the standard library's: a `queue.py` beside the script would). */
export function fileStem(id: ExampleId, language: Language): string {
  return language === 'python' ? `${id.replace(/-/g, '_')}_example` : id;
}

/** Where the template of an example lives, relative to the extension's root (shipped in the .vsix). */
export function templatePath(id: ExampleId, language: Language): string {
  return `examples/${language}/${fileStem(id, language)}${extensionOf(language)}`;
}

/** Folder the examples are written into, inside the workspace folder (or global storage). */
export const EXAMPLES_FOLDER = 'concurrency-lab-examples';

/**
 * Where the examples folder goes: the first workspace folder, or the extension's global storage
 * when no folder is open (then the example is still a real file the runner and editor can use).
 * Generic over the URI type so it is unit-tested without vscode.
 */
export function examplesBase<U>(workspaceFolders: readonly { uri: U }[] | undefined, globalStorage: U): U {
  return workspaceFolders?.[0]?.uri ?? globalStorage;
}
