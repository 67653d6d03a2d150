// `concurrency-lab export` (native <-> Chrome trace, by the output's extension) and `report`
// (one self-contained HTML file with the panel's viewer).
import * as path from 'path';
import type { Command } from './args';
import { InputError, readTrace, writeTrace } from './traceFiles';

export async function convertCommand(cmd: Extract<Command, { kind: 'export' | 'report' }>, io: { warn: (line: string) => void }): Promise<number> {
  const trace = readTrace(cmd.input);
  if (trace.malformed) io.warn(`${cmd.input}: skipped ${trace.malformed} malformed line(s)`);
  if (cmd.kind === 'export') {
    const ext = path.extname(cmd.output).toLowerCase();
    if (ext !== '.json' && ext !== '.jsonl') throw new InputError(`${cmd.output}: must end in .json (Chrome trace) or .jsonl (native trace)`);
    writeTrace(cmd.output, trace.header, trace.events);
    return 0;
  }
  throw new InputError('report: not available yet (the HTML report lands with the trace panel)');
}
