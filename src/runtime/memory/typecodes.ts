// Python's typecodes (the array module's letters, which multiprocessing.Value/Array accept) and
// how a JavaScript number is stored as that C type: integers wrap modulo 2^bits exactly as
// ctypes does (c_byte(200).value == -56), 'f' rounds to float32, a float given to an integer
// type is Python's TypeError. Typed arrays do the wrapping; this file checks and converts.

/** A typed array over shared memory, of the element type a typecode stores. */
export type ElementArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

interface ElementCtor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ElementArray;
  readonly BYTES_PER_ELEMENT: number;
}

export interface Typecode {
  readonly code: string;
  /** The C type's name, as ctypes says it (for messages). */
  readonly cName: string;
  readonly bytes: number;
  readonly kind: 'int' | 'bigint' | 'float';
  readonly Ctor: ElementCtor;
}

// 'l'/'L' are C long: 8 bytes on 64-bit Linux and macOS, as CPython's there.
const TABLE: Record<string, Typecode> = {};
function def(code: string, cName: string, kind: Typecode['kind'], Ctor: ElementCtor): void {
  TABLE[code] = { code, cName, kind, Ctor, bytes: Ctor.BYTES_PER_ELEMENT };
}
def('b', 'c_byte', 'int', Int8Array);
def('B', 'c_ubyte', 'int', Uint8Array);
def('h', 'c_short', 'int', Int16Array);
def('H', 'c_ushort', 'int', Uint16Array);
def('i', 'c_int', 'int', Int32Array);
def('I', 'c_uint', 'int', Uint32Array);
def('l', 'c_long', 'bigint', BigInt64Array);
def('L', 'c_ulong', 'bigint', BigUint64Array);
def('q', 'c_longlong', 'bigint', BigInt64Array);
def('Q', 'c_ulonglong', 'bigint', BigUint64Array);
def('f', 'c_float', 'float', Float32Array);
def('d', 'c_double', 'float', Float64Array);

export const TYPECODES: readonly string[] = Object.keys(TABLE);

/** The typecode's description, or undefined for a letter Python's array module does not know. */
export function lookupTypecode(code: unknown): Typecode | undefined {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(TABLE, code) ? TABLE[code] : undefined;
}

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  return Array.isArray(v) ? 'list' : typeof v;
}

/**
 * What to store for `v` in an element of type `tc` (the typed array then wraps it), or Python's
 * TypeError for a value ctypes refuses: a float or a string for an integer type, a non-number
 * for a float type. Booleans count as 0/1, as Python's bool is an int.
 */
export function toStored(tc: Typecode, v: unknown): number | bigint {
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (tc.kind === 'float') {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new TypeError(`must be real number, not ${typeOf(v)}`);
  }
  if (typeof v === 'bigint') return tc.kind === 'bigint' ? v : Number(BigInt.asIntN(64, v) & 0xffffffffn);
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (tc.kind === 'bigint') return BigInt(v);
    // Past 2^53 a double has no low bits left; BigInt keeps what it has so the wrap stays exact.
    return Number.isSafeInteger(v) ? v : Number(BigInt.asIntN(64, BigInt(v)) & 0xffffffffn);
  }
  throw new TypeError(`int expected instead of ${typeOf(v)}`);
}

/** What a read returns: a number, or for the 64-bit types a number when it is exact, else a bigint. */
export function fromStored(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}
