// `concurrency-lab export` (native <-> Chrome trace, by the output's extension) and `report`
// (one self-contained HTML file with the panel's viewer).
import * as fs from 'fs';
import * as path from 'path';
import { ReportError, renderReportHtml } from '../report';
import { findExtensionRoot } from '../runner/paths';
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
  const extensionRoot = findExtensionRoot();
  if (!extensionRoot) throw new InputError('report: the viewer is not built (dist/ is missing): run npm run build');
  const title = `Concurrency Lab — ${path.basename(trace.header.file ?? cmd.input)}`;
  let html: string;
  try {
    html = renderReportHtml({ title, header: trace.header, events: trace.events, extensionRoot });
  } catch (err) {
    if (err instanceof ReportError) throw new InputError(`report: ${err.message}`);
    throw err;
  }
  try {
    fs.writeFileSync(cmd.output, html);
  } catch (err) {
    throw new InputError(`${cmd.output}: cannot write it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return 0;
}
