// Pipe fault round: a child streams numbered messages into a Pipe, another child reads them and
// records each with a write straight to its file; at a random point of the stream one end (the
// sender or the reader) is SIGKILLed. Invariants: the reader saw 0, 1, 2, … in order with no
// gap or repeat; when the sender dies the reader's recv() rejects with EOFError after the last
// message it got (never another error, never a hang); when the reader dies the sender finishes.
import * as fs from 'fs';
import * as path from 'path';
import { EOFError, Pipe, Process, isMainProcess } from '../../../dist/runtime/index.js';
import { params, records, recorder, report, rng, sleep, within } from './common.mjs';

export async function sender(conn, n, file) {
  const record = recorder(file);
  for (let i = 0; i < n; i++) {
    conn.send(i);
    if (i % 64 === 63) {
      await new Promise((r) => setImmediate(r)); // let the sends leave, as a real producer would
      record(String(i));
    }
  }
  conn.close();
}

export async function reader(conn, file) {
  const record = recorder(file);
  for (;;) {
    try {
      record(String(await conn.recv()));
    } catch (err) {
      record(err instanceof EOFError ? 'EOF' : `ERR ${err?.name}: ${err?.message}`);
      return;
    }
  }
}

if (isMainProcess()) {
  const prm = params();
  const rand = rng(prm.seed);
  const N = prm.messages ?? 20000;
  const victimKind = prm.victim ?? (rand() < 0.5 ? 'sender' : 'reader');
  const joinMs = prm.joinMs ?? 60000;
  const [readEnd, sendEnd] = Pipe(false);
  const sentFile = path.join(prm.dir, 'sent');
  const readFile = path.join(prm.dir, 'read');
  const s = new Process({ target: sender, args: [sendEnd, N, sentFile] });
  const r = new Process({ target: reader, args: [readEnd, readFile] });
  r.start();
  s.start();
  // Killed once the victim is this far into the stream (at least one batch: a sender killed
  // before it ever wrote leaves the reader waiting, as Python's would with the parent's copy open).
  // At most 70% in, so the kill lands mid-stream even when this loop is slow to notice (a reader
  // killed at 99% had often already read to the end and seen EOF: no fault was injected).
  const killAfter = Math.max(64, Math.floor(rand() * N * 0.7));
  const victim = victimKind === 'sender' ? s : r;
  const deadline = Date.now() + (prm.watchMs ?? 30000);
  while (victim.isAlive() && Date.now() < deadline) {
    const got = victimKind === 'sender' ? (records(sentFile).length * 64) : records(readFile).length;
    if (got >= killAfter) break;
    await sleep(2);
  }
  const faults = victim.isAlive() ? 1 : 0;
  victim.kill();
  let hangs = 0;
  for (const p of [s, r]) if ((await within(p.join(), joinMs)) === 'timeout') hangs++;
  for (const p of [s, r]) if (p.isAlive()) p.kill();
  const violations = [];
  const lines = records(readFile);
  let expect = 0;
  let end = 'killed';
  for (const line of lines) {
    if (line === 'EOF' || line.startsWith('ERR')) {
      end = line;
      break;
    }
    if (Number(line) !== expect) {
      violations.push(`message ${expect} expected, got ${line}`);
      break;
    }
    expect++;
  }
  if (victimKind === 'sender' && faults && end !== 'EOF' && hangs === 0) violations.push(`the reader ended with ${end}, not EOFError`);
  if (victimKind === 'reader' && s.exitCode !== 0) violations.push(`the sender exited with ${s.exitCode}`);
  // EOF is right for a reader that got the whole stream before it was killed; before that it
  // would mean a lost tail.
  if (end === 'EOF' && victimKind === 'reader' && expect !== N) violations.push(`the killed reader saw EOF after ${expect} of ${N}`);
  if (victimKind === 'sender' && !faults && expect !== N) violations.push(`the sender finished but the reader got ${expect} of ${N}`);
  report({ faults, hangs, violations, delivered: expect, outcome: `${victimKind} killed ${faults ? 'mid-stream' : 'after the stream'}` });
  fs.rmSync(prm.dir, { recursive: true, force: true });
}
