// Issue #3: Pipe ping-pong round trip with structured-clone values ≤ 1× Python's Pipe; one-way
// throughput ≥ 1× Python's Pipe. Node's own IPC (serialization 'advanced') is a reference line.
import { baseline, interleave, med, needRuntime, rate, refRow, row, runNode, runPython, snippet } from '../lib/harness.mjs';

export const name = 'pipe';
export const title = 'Pipe: ping-pong round trip and one-way throughput (small structured values)';

const perOp = (r) => r.ms / r.ops;

export async function run({ quick }) {
  const reps = quick ? 1 : 3;
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
    row({ what: 'Pipe round trip vs Python Pipe', ours: med(opp, perOp), baseline: med(ppp, perOp), unit: 'ms', higherIsBetter: false, goal: 1, samples: reps }),
    refRow({ what: "  reference: Node IPC round trip (serialization 'advanced')", value: med(ipp, perOp), unit: 'ms' }),
    row({ what: 'Pipe one-way vs Python Pipe', ours: med(ow, rate), baseline: med(pw, rate), unit: 'msgs/s', higherIsBetter: true, goal: 1, samples: reps }),
    refRow({ what: "  reference: Node IPC one-way (serialization 'advanced')", value: med(iw, rate), unit: 'msgs/s' }),
  ];
}
