// getContext('process' | 'thread'): the same API on OS processes or on worker_threads (as
// Python's multiprocessing.dummy). Queues and Pipes work across both, so they are shared.
import { MESSAGES, ProcessError } from './errors';
import { self, type ContextKind } from './process/identity';
import { Pool } from './pool/pool';
import { Process } from './process/process';

export interface Context {
  readonly kind: ContextKind;
  readonly Process: typeof Process;
  readonly Pool: typeof Pool;
}

function makeContext(kind: ContextKind): Context {
  class ContextProcess extends Process {
    static override contextKind: ContextKind | undefined = kind;
  }
  class ContextPool extends Pool {
    static override contextKind: ContextKind | undefined = kind;
  }
  Object.defineProperty(ContextProcess, 'name', { value: 'Process' });
  Object.defineProperty(ContextPool, 'name', { value: 'Pool' });
  return { kind, Process: ContextProcess, Pool: ContextPool };
}

const contexts: Partial<Record<ContextKind, Context>> = {};

export function contextFor(kind: ContextKind): Context {
  return (contexts[kind] ??= makeContext(kind));
}

export function resolveKind(kind: unknown): ContextKind {
  if (kind === undefined || kind === null) return self.defaultContext;
  if (kind !== 'process' && kind !== 'thread') throw new ProcessError(MESSAGES.badContext(kind));
  return kind;
}
