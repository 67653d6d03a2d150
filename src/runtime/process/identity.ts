// Who this process (or worker thread) is: its name, whether it is the main process, its parent.
// The main process is "MainProcess"; a child's name extends its parent's identity, as CPython's
// does: Process-1, then Process-1:1, Process-1:2 for that child's own children.
import * as path from 'path';
import * as fs from 'fs';
import { threadId } from 'worker_threads';
import { CONTEXT_ENV } from '../../trace/channel';

export type ContextKind = 'process' | 'thread';

export interface ProcessInfo {
  name: string;
  pid: number;
}

export interface SelfState {
  name: string;
  isChild: boolean;
  parent: ProcessInfo | null;
  /** CPython's _identity: the path of child counters from the main process to here. */
  identity: number[];
  /** Absolute path of the snippet module children import (spawn semantics). */
  mainModule: string | undefined;
  /** Context used when the API is used without getContext(). */
  defaultContext: ContextKind;
  /** Its parent died and left it running (it then ends with the run's main process). */
  orphaned?: boolean;
}

/** Env var that names the snippet module, for runs where argv[1] is not the snippet itself. */
export const MAIN_MODULE_ENV = 'CONCURRENCY_LAB_MAIN_MODULE';

function guessMainModule(): string | undefined {
  const fromEnv = process.env[MAIN_MODULE_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  const arg = process.argv[1];
  if (!arg) return undefined;
  const abs = path.resolve(arg);
  // `node snippet` runs snippet.js: try what Node would.
  return ['', '.js', '.mjs', '.cjs'].map((ext) => abs + ext).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

function envContext(): ContextKind {
  return process.env[CONTEXT_ENV] === 'thread' ? 'thread' : 'process';
}

export const self: SelfState = {
  name: threadId === 0 ? 'MainProcess' : `Thread-${threadId}`,
  isChild: false,
  parent: null,
  identity: [],
  mainModule: undefined,
  defaultContext: envContext(),
};
let mainModuleGuessed = false;

export function mainModule(): string | undefined {
  if (!mainModuleGuessed && !self.mainModule) {
    mainModuleGuessed = true;
    self.mainModule = guessMainModule();
  }
  return self.mainModule;
}

let childCounter = 0;

/** Identity and name for the next child: `${prefix}-1`, or `${prefix}-1:2` inside Process-1. */
export function nextChildIdentity(prefix: string): { identity: number[]; name: string } {
  const identity = [...self.identity, ++childCounter];
  return { identity, name: `${prefix}-${identity.join(':')}` };
}

export function isMainProcess(): boolean {
  return !self.isChild;
}

export function currentProcess(): ProcessInfo {
  return { name: self.name, pid: process.pid };
}

export function parentProcess(): ProcessInfo | null {
  return self.parent ? { ...self.parent } : null;
}
