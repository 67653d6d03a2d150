// Shared by the fault rounds (each round is one fresh main process, see ../campaign.mjs): the
// seeded generator, the round's parameters, and how a round reports. (Fixtures of the runtime's
// unit tests, test/fixtures/runtime/, use it too.)
import * as fs from 'fs';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The round's parameters: one JSON argument (children see the same argv, harmlessly). */
export function params() {
  return JSON.parse(process.argv[2] ?? '{}');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves to 'timeout' when `p` does not settle within `ms` (a hang, for the round's table). */
export function within(p, ms) {
  let timer;
  return Promise.race([p, new Promise((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/** Whether process `pid` exists and is not a zombie (a dead orphan may wait a while to be reaped). */
export function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.charAt(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** A line per record, written at once (a SIGKILL right after loses nothing already written). */
export function recorder(file) {
  const fd = fs.openSync(file, 'a');
  return (line) => fs.writeSync(fd, line + '\n');
}

/** Whole lines of a record file (a line cut by a kill is dropped). */
export function records(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** The round's verdict: the last stdout line, read by the campaign. */
export function report(result) {
  console.log(JSON.stringify(result));
}
