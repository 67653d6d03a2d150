// SharedArrayBuffers of this thread's shared objects (thread-context Value, Lock…), by name. A
// SharedArrayBuffer cannot go through v8.serialize (what encodes Process args), only through
// postMessage/workerData: so a shared object travels as a descriptor naming its buffer, and every
// worker thread we start gets this thread's buffers in its workerData (backend.ts), which it adds
// to its own table before it decodes its arguments (bootstrap.ts). Grandchildren inherit the same way.

const buffers = new Map<string, SharedArrayBuffer>();

export function registerSharedBuffer(name: string, sab: SharedArrayBuffer): void {
  buffers.set(name, sab);
}

export function sharedBuffer(name: string): SharedArrayBuffer | undefined {
  return buffers.get(name);
}

/** What a new worker thread inherits (undefined when there is nothing, the common case). */
export function sharedBuffersToInherit(): Array<[string, SharedArrayBuffer]> | undefined {
  return buffers.size === 0 ? undefined : [...buffers];
}

export function inheritSharedBuffers(entries: unknown): void {
  if (!Array.isArray(entries)) return;
  for (const [name, sab] of entries as Array<[string, SharedArrayBuffer]>) buffers.set(name, sab);
}
