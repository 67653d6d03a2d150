// Issue #3: Pipe one-way throughput ≥ 1× Python's Pipe. Issue #15: ping-pong round trip with
// structured-clone values ≤ 0.8× Python's quiet and ≤ 1× under load (`--load`), in every rep.
// Node's own IPC (serialization 'advanced') is a reference line.
import { baseline, interleave, needRuntime, rate, refRow, row, runNode, runPython, snippet, values } from '../lib/harness.mjs';

export const name = 'pipe';
export const title = 'Pipe: ping-pong round trip and one-way throughput (small structured values)';

const perOp = (r) => r.ms / r.ops;

export async function run({ quick, load, reps = quick ? 1 : 5 }) {
  const rounds = quick ? 2_000 : 20_000;
  const n = quick ? 10_000 : 100_000;
  const ours = (mode, k) => () => {
    needRuntime('Pipe', 'Process', 'isMainProcess');
    return runNode(snippet('pipe.mjs'), [mode, k]);
  };
  const [opp, ppp, ipp, ow, pw, iw] = await interleave(reps, [
    ours('pingpong', rounds),
    () => runPython('mp_pipe.py', ['pingpong', rounds]),
    () => runNode(baseline('node-ipc.mjs'), ['pingpong', rounds]),
    ours('oneway', n),
    () => runPython('mp_pipe.py', ['oneway', n]),
    () => runNode(baseline('node-ipc.mjs'), ['oneway', n]),
  ]);
  return [
    row({ what: `Pipe round trip vs Python Pipe${load ? ' (under load)' : ''}`, ours: opp, baseline: ppp, value: perOp, unit: 'ms', higherIsBetter: false, goal: load ? 1 : 0.8 }),
    refRow({ what: "  reference: Node IPC round trip (serialization 'advanced')", value: values(ipp, perOp), unit: 'ms' }),
    row({ what: 'Pipe one-way vs Python Pipe', ours: ow, baseline: pw, value: rate, unit: 'msgs/s', higherIsBetter: true, goal: 1 }),
    refRow({ what: "  reference: Node IPC one-way (serialization 'advanced')", value: values(iw, rate), unit: 'msgs/s' }),
  ];
}
