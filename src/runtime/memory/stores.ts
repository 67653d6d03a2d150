// The process context's shared memory: blocks that other processes can map too.
import { ProcessError } from '../errors';
import type { Backend, Block } from './segment';

export interface Store {
  readonly backend: Backend;
  /** A new zeroed block of `size` bytes named `name`. */
  create(name: string, size: number): Block;
  /** A block another thread or process created. */
  open(name: string, size: number): Block;
}

export function processStore(_backend?: Backend): Store {
  throw new ProcessError('shared memory between processes is not available yet: use getContext("thread")');
}
