// The `concurrency-lab` command line, as a function (the entry point is main.ts). See docs/cli.md.
// Every failure the user can cause ends in one line on stderr and a non-zero exit, never a stack
// trace from our code (set CONCURRENCY_LAB_DEBUG=1 to see one for an internal error).
import * as fs from 'fs';
import * as path from 'path';
import { RunInputError } from '../runner';
import { findExtensionRoot } from '../runner/paths';
import { USAGE, UsageError, parseCommand } from './args';
import { convertCommand } from './convert';
import { runCommand } from './runCommand';
import { releaseStopSignals } from './stopSignals';
import { InputError } from './traceFiles';

const NAME = 'concurrency-lab';

function version(): string {
  const root = findExtensionRoot();
  try {
    return (JSON.parse(fs.readFileSync(path.join(root ?? '', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  const warn = (line: string) => process.stderr.write(`${NAME}: ${line}\n`);
  try {
    const cmd = parseCommand(argv);
    // Only `run` has a tree to stop: for the others a signal keeps its default action.
    if (cmd.kind !== 'run') releaseStopSignals({ handled: false });
    switch (cmd.kind) {
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case 'version':
        process.stdout.write(`${version()}\n`);
        return 0;
      case 'run':
        return await runCommand(cmd, { isTTY: !!process.stdout.isTTY, warn });
      case 'export':
      case 'report':
        return await convertCommand(cmd, { warn });
    }
  } catch (err) {
    releaseStopSignals({ handled: false });
    if (err instanceof UsageError) {
      warn(err.message);
      process.stderr.write(`Try '${NAME} --help'.\n`);
      return 2;
    }
    if (err instanceof RunInputError || err instanceof InputError) {
      warn(err.message);
      return 2;
    }
    warn(`internal error: ${(err as Error)?.message ?? String(err)}`);
    if (process.env.CONCURRENCY_LAB_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  }
}
