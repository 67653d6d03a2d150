import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { CLOCK_OFFSET_ENV, makeRunClock, parseClockOffset, type ClockSources } from '../../../src/trace/clock';

/** A machine whose monotonic clock reads `mono` ns; performance.now() started at `perfOriginNs` on it. */
function fakeMachine(perfOriginNs: bigint, wallAtPerfZeroMs: number) {
  let mono = perfOriginNs + 5_000_000n;
  const src: ClockSources = {
    monotonicNs: () => (mono += 300n), // every read takes 300 ns
    perfNow: () => Number(mono - perfOriginNs) / 1e6,
    timeOrigin: wallAtPerfZeroMs,
  };
  return { src, advance: (ns: bigint) => (mono += ns), mono: () => mono };
}

describe('trace: the run clock', () => {
  it('stamps wall-clock µs measured from this process’s own timeOrigin when no offset is given', () => {
    const m = fakeMachine(7_000_000_000n, 1_800_000_000_000);
    const c = makeRunClock(m.src, undefined);
    // perf origin is at 7 s monotonic and 1.8e12 ms wall: the offset is their difference.
    assert.ok(Math.abs(c.offsetMicros - (1_800_000_000_000_000 - 7_000_000)) <= 1, String(c.offsetMicros));
    m.advance(1_000_000n); // 1 ms later
    const expected = (Number(m.mono()) / 1000 + c.offsetMicros);
    assert.ok(Math.abs(c.nowMicros() - expected) < 1, `${c.nowMicros()} vs ${expected}`);
  });

  it('two processes with different timeOrigin errors agree once they share the offset', () => {
    // Same machine (one monotonic clock), but each process's timeOrigin is off in its own way —
    // the 177 µs seen between two processes on a busy machine.
    const a = fakeMachine(3_000_000_000n, 1_800_000_000_000);
    const b = fakeMachine(4_000_000_000n, 1_800_000_001_000 + 0.177);
    const alone = [makeRunClock(a.src, undefined), makeRunClock(b.src, undefined)];
    const shared = [makeRunClock(a.src, alone[0].offsetMicros), makeRunClock(b.src, alone[0].offsetMicros)];
    // Bring both fake processes to the same instant on the monotonic clock.
    const t = 9_000_000_000n;
    a.advance(t - a.mono());
    b.advance(t - b.mono());
    assert.ok(Math.abs(alone[0].nowMicros() - alone[1].nowMicros()) > 100, 'the fake skew is there without sharing');
    assert.ok(Math.abs(shared[0].nowMicros() - shared[1].nowMicros()) < 1, `${shared[0].nowMicros()} vs ${shared[1].nowMicros()}`);
  });

  it('takes only a plain integer offset from the environment', () => {
    assert.strictEqual(parseClockOffset('1796605715195247'), 1796605715195247);
    assert.strictEqual(parseClockOffset('-12'), -12);
    for (const bad of [undefined, '', '1e9', '12.5', ' 1', 'abc', '99999999999999999999']) assert.strictEqual(parseClockOffset(bad), undefined, String(bad));
  });

  it('the Python tracer takes exactly the offsets the Node side takes (else both would not share one clock)', () => {
    // A rejected value is replaced in the environment by the tracer's own measurement.
    const tracerDir = path.resolve(__dirname, '../../../src/python');
    const values = ['1796605715195247', '-12', '0', '', '1e9', '12.5', ' 1', '1_2', '\uff11\uff12', '9007199254740993', '99999999999999999999'];
    const script = [
      'import json, os, sys',
      'from concurrency_lab_tracer import core',
      'out = []',
      'for v in json.loads(sys.argv[1]):',
      `    os.environ['${CLOCK_OFFSET_ENV}'] = v`,
      '    got = core._clock_offset_us()',
      "    out.append(str(got) if os.environ['" + CLOCK_OFFSET_ENV + "'] == v else None)",
      'print(json.dumps(out))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script, JSON.stringify(values)], { env: { ...process.env, PYTHONPATH: tracerDir }, encoding: 'utf8' });
    const taken = JSON.parse(out) as Array<string | null>;
    values.forEach((v, i) => {
      const node = parseClockOffset(v);
      assert.strictEqual(taken[i], node === undefined ? null : String(node), `offset ${JSON.stringify(v)}: Node ${node === undefined ? 'rejects' : 'takes'} it`);
    });
  });

  it('real processes given one offset stamp the machine’s monotonic clock plus it', () => {
    // A child Node process (not this one: its timeOrigin differs) reads CLOCK_MONOTONIC and the
    // run clock back to back; the stamp must be monotonic + the offset we gave it.
    const offset = 1_700_000_000_000_000;
    const script = `
      const { makeRunClock, parseClockOffset, CLOCK_OFFSET_ENV } = require(${JSON.stringify(require.resolve('../../../src/trace/clock'))});
      const c = makeRunClock({ perfNow: () => performance.now(), timeOrigin: performance.timeOrigin, monotonicNs: () => process.hrtime.bigint() }, parseClockOffset(process.env[CLOCK_OFFSET_ENV]));
      let best = Infinity, err = 0;
      for (let i = 0; i < 20; i++) {
        const a = process.hrtime.bigint(); const s = c.nowMicros(); const b = process.hrtime.bigint();
        if (Number(b - a) < best) { best = Number(b - a); err = s - (Number(a + (b - a) / 2n) / 1000 + ${offset}); }
      }
      console.log(JSON.stringify({ err, best }));`;
    const out = execFileSync(process.execPath, ['-r', 'sucrase/register/ts', '-e', script], { env: { ...process.env, [CLOCK_OFFSET_ENV]: String(offset) }, encoding: 'utf8' });
    const { err, best } = JSON.parse(out) as { err: number; best: number };
    assert.ok(Math.abs(err) <= 2 + best / 1000, `stamp off by ${err} µs (read gap ${best} ns)`);
  });
});
