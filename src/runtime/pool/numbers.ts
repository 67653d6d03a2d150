// Map chunks of plain numbers (`pool.map(square, range(1e6))`) and their results travel as
// Float64Array: V8's serializer copies a typed array's bytes, where it writes and re-creates a
// plain array element by element — most of a big map's cost (bench `pool-map`). Every number
// (-0, NaN, ±Infinity included) survives a Float64Array exactly.

/** Shorter lists are not worth the check and the copies. */
const PACK_MIN = 256;

/** `list` as a Float64Array when it is long and holds only numbers; else undefined. */
export function packNumbers(list: ArrayLike<unknown>): Float64Array | undefined {
  const n = list.length;
  if (n < PACK_MIN) return undefined;
  for (let i = 0; i < n; i++) if (typeof list[i] !== 'number') return undefined;
  return Float64Array.from(list as ArrayLike<number>);
}

/** The plain array a packed list stands for. */
export function unpackNumbers(packed: Float64Array): number[] {
  const n = packed.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = packed[i];
  return out;
}
