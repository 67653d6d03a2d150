// Replay maths: process state at a moment, binary searches, playback and stepping.
import * as assert from 'assert';
import type { ProcessInfo } from '../../../src/trace/model';
import { advance, isFailure, lastIndexAtOrBefore, lowerBound, processStateAt, stepCursor } from '../../../src/webview/layout/replay';

const proc = (over: Partial<ProcessInfo>): ProcessInfo => ({ pid: 1, ppid: 0, name: 'p', start: 100, exitCode: null, signal: null, exited: false, threads: [], ...over });

describe('webview layout: replay', () => {
  it('gives a process state at a moment', () => {
    const done = proc({ exited: true, end: 200, exitCode: 0 });
    assert.deepStrictEqual(processStateAt(done, 50), { kind: 'pending' });
    assert.deepStrictEqual(processStateAt(done, 150), { kind: 'running' });
    assert.deepStrictEqual(processStateAt(done, 200), { kind: 'exited', code: 0 });
    assert.deepStrictEqual(processStateAt(done), { kind: 'exited', code: 0 });
    const killed = proc({ exited: true, end: 300, signal: 'SIGTERM' });
    assert.deepStrictEqual(processStateAt(killed), { kind: 'killed', signal: 'SIGTERM' });
    assert.ok(isFailure(processStateAt(killed)));
    assert.ok(isFailure(processStateAt(proc({ exited: true, end: 1, exitCode: 1 }))));
    assert.ok(!isFailure(processStateAt(done)));
    assert.deepStrictEqual(processStateAt(proc({})), { kind: 'running' });
  });

  it('finds positions by binary search', () => {
    const ts = [1, 3, 3, 7, 9];
    const at = (i: number) => ts[i]!;
    assert.strictEqual(lastIndexAtOrBefore(at, ts.length, 0), -1);
    assert.strictEqual(lastIndexAtOrBefore(at, ts.length, 3), 2);
    assert.strictEqual(lastIndexAtOrBefore(at, ts.length, 8), 3);
    assert.strictEqual(lastIndexAtOrBefore(at, ts.length, 100), 4);
    assert.strictEqual(lowerBound(at, ts.length, 3), 1);
    assert.strictEqual(lowerBound(at, ts.length, 10), 5);
  });

  it('plays at 1× and 10× of real time and steps within bounds', () => {
    assert.strictEqual(advance(0, 16, 1), 16_000);
    assert.strictEqual(advance(0, 16, 10), 160_000);
    assert.strictEqual(stepCursor(undefined, -1, 10), 8, 'from the whole run, back one');
    assert.strictEqual(stepCursor(0, -1, 10), 0);
    assert.strictEqual(stepCursor(9, 1, 10), 9);
    assert.strictEqual(stepCursor(3, 1, 10), 4);
  });
});
