// Where a shared object's bytes live. Objects are carved out of arenas (64 KiB blocks; a bigger
// object gets a block of its own): in the thread context a SharedArrayBuffer, in the process
// context a shared-memory file mapped by the native module (or its pure-JS fallback, see
// stores.ts). A segment travels to children as a SegmentRef and is mapped again there.
import { threadId } from 'worker_threads';
import { ProcessError } from '../errors';
import { registerSharedBuffer, sharedBuffer } from '../transport/sharedBuffers';
import { atomicsSleeper, Words, type Sleeper } from './words';
import { processStore, type Store } from './stores';

export type Backend = 'sab' | 'shm' | 'file';

/** A segment's address, as a child receives it: which block, and where in it. */
export interface SegmentRef {
  b: Backend;
  name: string;
  /** Size of the whole block (the child maps all of it). */
  size: number;
  off: number;
  len: number;
}

export interface Segment {
  readonly ref: SegmentRef;
  readonly buffer: ArrayBufferLike;
  /** The object's first byte in `buffer` (a multiple of 8). */
  readonly byteOffset: number;
  readonly words: Words;
}

/** A block of shared memory as mapped in this thread. */
export interface Block {
  readonly buffer: ArrayBufferLike;
  readonly i32: Int32Array;
  readonly sleeper: Sleeper;
}

const BLOCK = 64 * 1024;
let blockCounter = 0;

/** Unique in the run: the creator's pid and thread, and a counter. */
function blockName(): string {
  return `${process.pid}-${threadId}-${++blockCounter}`;
}

const sabStore: Store = {
  backend: 'sab',
  create(name, size) {
    const sab = new SharedArrayBuffer(size);
    registerSharedBuffer(name, sab);
    return blockOf(sab, atomicsSleeper);
  },
  open(name) {
    const sab = sharedBuffer(name);
    if (!sab) throw new ProcessError(MESSAGE_THREAD_ONLY);
    return blockOf(sab, atomicsSleeper);
  },
};

const MESSAGE_THREAD_ONLY =
  'a shared object made in the thread context lives in one process (a SharedArrayBuffer) and cannot be used by another process: make it with the process context (the default, or getContext("process"))';

export function blockOf(buffer: ArrayBufferLike, sleeper: Sleeper): Block {
  return { buffer, i32: new Int32Array(buffer), sleeper };
}

function storeFor(backend: Backend): Store {
  if (backend === 'sab') return sabStore;
  return processStore(backend);
}

interface Arena {
  name: string;
  block: Block;
  size: number;
  used: number;
}
const arenas = new Map<Backend, Arena>();
/** Blocks mapped in this thread, by name (each is mapped once however many objects it holds). */
const mapped = new Map<string, Block>();

function segmentIn(block: Block, ref: SegmentRef): Segment {
  return { ref, buffer: block.buffer, byteOffset: ref.off, words: new Words(block.i32, ref.off / 4, block.sleeper) };
}

/** New zeroed shared memory of `bytes` bytes, for an object of the given context. */
export function allocate(context: 'process' | 'thread', bytes: number): Segment {
  const store = context === 'thread' ? sabStore : processStore();
  const len = Math.max(8, Math.ceil(bytes / 8) * 8);
  if (len > BLOCK / 2) {
    const name = blockName();
    const block = store.create(name, len);
    mapped.set(name, block);
    return segmentIn(block, { b: store.backend, name, size: len, off: 0, len });
  }
  let arena = arenas.get(store.backend);
  if (!arena || arena.used + len > arena.size) {
    const name = blockName();
    const block = store.create(name, BLOCK);
    mapped.set(name, block);
    arena = { name, block, size: BLOCK, used: 0 };
    arenas.set(store.backend, arena);
  }
  const off = arena.used;
  arena.used += len;
  return segmentIn(arena.block, { b: store.backend, name: arena.name, size: arena.size, off, len });
}

/** The segment a child was given, mapped in this thread. */
export function openSegment(ref: SegmentRef): Segment {
  let block = mapped.get(ref.name);
  if (!block) {
    block = storeFor(ref.b).open(ref.name, ref.size);
    mapped.set(ref.name, block);
  }
  return segmentIn(block, ref);
}
