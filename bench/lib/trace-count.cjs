// Lossless check for the trace-capture benchmark: every producer k wrote message.send events on
// channelId `capture-k` with msgId "0".."n-1" in order; the captured trace must hold each exactly
// once, in that order. CommonJS so both the .mjs suite and the unit test (sucrase, CJS) load it.
'use strict';

/**
 * @param {Iterable<{kind?: string, channelId?: string, msgId?: string}>} events
 * @param {number} producers
 * @param {number} perProducer
 */
function countCapture(events, producers, perProducer) {
  const next = new Array(producers).fill(0);
  const stats = Array.from({ length: producers }, () => ({ count: 0, outOfOrder: 0 }));
  let foreign = 0;
  for (const e of events) {
    if (e.kind !== 'message.send' || typeof e.channelId !== 'string' || !e.channelId.startsWith('capture-')) continue;
    const k = Number(e.channelId.slice('capture-'.length));
    if (!Number.isInteger(k) || k < 0 || k >= producers) {
      foreign++;
      continue;
    }
    const s = stats[k];
    s.count++;
    // In order means exactly the next expected id: a gap, a repeat or a swap all break it.
    if (e.msgId === String(next[k])) next[k]++;
    else s.outOfOrder++;
  }
  const total = stats.reduce((a, s) => a + s.count, 0);
  const lossless = foreign === 0 && stats.every((s, k) => s.count === perProducer && s.outOfOrder === 0 && next[k] === perProducer);
  return { total, expected: producers * perProducer, lossless, perProducer: stats, foreign };
}

/** Parses a native .jsonl trace text into objects, skipping blank and non-JSON lines. */
function parseJsonl(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // not an event line; the count then comes up short, which is the point
    }
  }
  return out;
}

module.exports = { countCapture, parseJsonl };
