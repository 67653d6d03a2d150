// Map chunks of plain numbers (`pool.map(square, range(1e6))`) and their results travel as
// Float64Array: V8's serializer copies a typed array's bytes, where it writes and re-creates a
// plain array element by element — most of a big map's cost (bench `pool-map`). Every number
// (-0, NaN, ±Infinity included) survives a Float64Array exactly. The packed form is also made and
// read in place: the pool packs straight from the caller's array (no slice per chunk), a worker
// writes results straight into a Float64Array (no growing array of doubles: ~4× less CPU per
// item), and the pool copies them straight into the final result (no per-chunk array, no concat).

/** Shorter lists are not worth the check and the copies. */
export const PACK_MIN = 256;

/** `list` as a Float64Array when it is long and holds only numbers; else undefined. */
export function packNumbers(list: ArrayLike<unknown>): Float64Array | undefined {
  return packRange(list, 0, list.length);
}

/** list[start, end) as a Float64Array when it is long enough and holds only numbers; else undefined. */
export function packRange(list: ArrayLike<unknown>, start: number, end: number): Float64Array | undefined {
  const n = end - start;
  if (n < PACK_MIN) return undefined;
  for (let i = start; i < end; i++) if (typeof list[i] !== 'number') return undefined;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = list[start + i] as number;
  return out;
}

/** The plain array a packed list stands for. */
export function unpackNumbers(packed: Float64Array): number[] {
  const n = packed.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = packed[i];
  return out;
}

/** A chunk's results (plain, or packed) copied into `out` from index `at`. */
export function copyResults(part: ArrayLike<unknown>, out: unknown[], at: number): void {
  const n = part.length;
  for (let i = 0; i < n; i++) out[at + i] = part[i];
}

/** How far mapIntoNumbers got: all of `items` (done === items.length) or up to a result that is not a number. */
export interface NumbersRun {
  out: Float64Array;
  /** Items done: out[0, done) holds their results. */
  done: number;
  /** When done < items.length: the result of items[done], which is not a number (fn is not called again). */
  stray: unknown;
}

/**
 * fn over packed items, each result written straight into a Float64Array, until a result is not
 * a number (a string, an object, a promise...): then the caller goes on the general way from there.
 */
export function mapIntoNumbers(fn: (x: number) => unknown, items: Float64Array): NumbersRun {
  const n = items.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = fn(items[i]);
    if (typeof r !== 'number') return { out, done: i, stray: r };
    out[i] = r;
  }
  return { out, done: n, stray: undefined };
}
