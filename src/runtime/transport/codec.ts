// How one message becomes the payload of a frame. Node's v8.serialize()/deserialize() pay for a
// JS wrapper object per call (≈5 µs for a small message); JSON.stringify/parse take a fraction
// of that. So a message whose every value JSON represents exactly (plain objects, arrays,
// strings, finite numbers, booleans, null) travels as JSON; anything else (Map, Set, Date,
// BigInt, typed arrays, undefined, NaN, -0, class instances, cycles) as V8 structured clone.
// The first payload byte says which.
import * as v8 from 'v8';

const JSON_TAG = 0x4a; // 'J'
const V8_TAG = 0x56; // 'V'
/** Frame = 4-byte big-endian payload length, then the payload (tag byte + body). */
export const LENGTH_BYTES = 4;
const V8_PREFIX = Buffer.from([0, 0, 0, 0, V8_TAG]);

/**
 * Values the JSON check may visit. Past this a message is big (a map chunk, its results), and for
 * big messages V8 wins: one pass of serialize + deserialize costs ~1/5 of walking every value to
 * prove JSON safe, then stringify + parse (bench/tools/codec-micro.mjs: 44 ms vs 222 ms for 1M
 * numbers). The per-call V8 overhead only matters for small messages, which stay JSON.
 */
const JSON_BUDGET = 512;
let budget = 0;

/** Whether JSON round-trips `v` exactly as structured clone would. Depth-limited (cycles → false). */
function jsonSafe(v: unknown, depth: number): boolean {
  if (--budget < 0) return false;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 24) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!jsonSafe(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const o = v as Record<string, unknown>;
      for (const k in o) if (!jsonSafe(o[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** One complete frame for `msg`. Throws (synchronously) when `msg` cannot be cloned. */
export function encodeFrame(msg: unknown): Buffer {
  budget = JSON_BUDGET;
  if (jsonSafe(msg, 0)) {
    const text = JSON.stringify(msg);
    const len = Buffer.byteLength(text);
    const frame = Buffer.allocUnsafe(LENGTH_BYTES + 1 + len);
    frame.writeUInt32BE(len + 1, 0);
    frame[LENGTH_BYTES] = JSON_TAG;
    frame.write(text, LENGTH_BYTES + 1, 'utf8');
    return frame;
  }
  const ser = new v8.DefaultSerializer();
  ser.writeRawBytes(V8_PREFIX);
  ser.writeHeader();
  ser.writeValue(msg);
  const frame = ser.releaseBuffer();
  frame.writeUInt32BE(frame.length - LENGTH_BYTES, 0);
  return frame;
}

/** The message in buf[start, end) (a payload, tag byte first). */
export function decodePayload(buf: Buffer, start: number, end: number): unknown {
  if (buf[start] === JSON_TAG) return JSON.parse(buf.toString('utf8', start + 1, end));
  return v8.deserialize(buf.subarray(start + 1, end));
}
