// Installs the module hooks in a snippet process: the CommonJS ones always (in-thread, cheap),
// the ESM ones (module.register: a loader thread, ~30 ms) only when the runner said the snippet
// needs them; and the reporter that turns a parse error of the snippet into one
// `file:line:col: SyntaxError: message` line.
import * as path from 'path';
import { pathToFileURL } from 'url';
import Module from 'module';
import { ESM_HOOKS_ENV } from '../../trace/channel';
import { emit, flush } from '../tracing/tracer';
import { installCommonJsHooks } from './cjs';
import { locateSyntaxError } from './syntaxError';

/** Per thread (each has its own globalThis), shared by every bundle that calls this: the preload,
 *  and the runtime's child entry in a worker thread (Node 20 runs an --import preload only in
 *  the main thread, a --require one in every thread). */
const INSTALLED = Symbol.for('concurrency-lab.moduleHooksInstalled');

export function installModuleHooks(): void {
  const g = globalThis as { [INSTALLED]?: boolean };
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  installCommonJsHooks();
  if (process.env[ESM_HOOKS_ENV] === '1') {
    (Module as unknown as { register(url: string): void }).register(pathToFileURL(path.join(__dirname, 'loader.js')).href);
  }
}

export function reportSyntaxErrors(): void {
  const entry = process.argv[1] ? path.resolve(process.argv[1]) : undefined;
  process.on('uncaughtExceptionMonitor', (err) => {
    let loc;
    try {
      loc = locateSyntaxError(err, entry);
    } catch {
      return;
    }
    if (!loc) return; // not a parse error: Node reports it as usual (the snippet's own stack)
    const line = `${loc.file}:${loc.line}:${loc.column}: SyntaxError: ${(err as Error).message}`;
    emit({ kind: 'error', code: 'SYNTAX', message: line, loc: { file: loc.file, line: loc.line, column: loc.column } });
    flush();
    process.stderr.write(`${line}\n`);
    // Exiting here, before Node prints its own report, is what keeps it to one line.
    process.exit(1);
  });
}
