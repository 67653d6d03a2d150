// A small deterministic PRNG (xorshift32) for seeded tests: a failure replays from its seed.
/** Numbers in [0, 1) from the seed (a non-zero 32-bit integer). */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
