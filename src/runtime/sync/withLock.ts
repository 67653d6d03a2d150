// `with lock:` for JavaScript: take the lock, run the function, always release — even when it
// throws or its Promise rejects.
import { ProcessError } from '../errors';
import type { AcquireOptions } from './lock';

/** Anything with acquire()/release(): Lock, RLock, Semaphore, BoundedSemaphore, Condition. */
export interface Acquirable {
  acquire(options?: AcquireOptions): Promise<boolean>;
  release(): void;
}

/** A Value or SharedArray made with a lock: withLock uses its getLock(). */
export interface HasLock {
  getLock(): Acquirable;
}

/**
 * Runs `fn` while holding `lock` (or a Value's / SharedArray's getLock()) and releases it
 * afterwards whatever happens; resolves to what `fn` returns.
 *
 *     await withLock(counter.getLock(), () => { counter.value += 1; });
 */
export async function withLock<T>(lock: Acquirable | HasLock, fn: () => T | Promise<T>): Promise<Awaited<T>> {
  const l = lock && typeof (lock as HasLock).getLock === 'function' && typeof (lock as Acquirable).acquire !== 'function' ? (lock as HasLock).getLock() : (lock as Acquirable);
  if (!l || typeof l.acquire !== 'function' || typeof l.release !== 'function') throw new ProcessError('withLock(lock, fn): lock must be a Lock, RLock, Semaphore, Condition, or a Value/SharedArray made with a lock');
  if (typeof fn !== 'function') throw new ProcessError('withLock(lock, fn): fn must be a function');
  await l.acquire();
  try {
    return await fn();
  } finally {
    l.release();
  }
}
