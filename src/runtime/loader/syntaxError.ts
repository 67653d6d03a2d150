// Syntax errors, reported the way a compiler does: `file:line:col: SyntaxError: message`, one
// line, no stack trace from the loader. V8 puts the location of a CommonJS parse error at the top
// of err.stack (`file:line`, the line, a caret); an ES module's parse error has no location in
// the error object at all, so for those the files are checked again with `node --check`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

export interface SyntaxLocation {
  file: string;
  line: number;
  column: number;
}

/** A SyntaxError whose stack starts the way V8's parse errors do, so one reporter handles both. */
export function syntaxErrorAt(file: string, source: string, line: number, column: number, message: string): SyntaxError {
  const err = new SyntaxError(message);
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  err.stack = `${file}:${line}\n${text}\n${' '.repeat(Math.max(0, column - 1))}^\n\nSyntaxError: ${message}`;
  return err;
}

const toPath = (f: string) => (f.startsWith('file:') ? fileURLToPath(f) : f);

/** Location from V8's `file:line\n<source line>\n   ^` header, if the error has one. */
export function locationFromStack(stack: string): SyntaxLocation | undefined {
  const m = /^(.+?):(\d+)\r?\n.*\r?\n( *)\^/.exec(stack);
  return m ? { file: toPath(m[1]), line: Number(m[2]), column: m[3].length + 1 } : undefined;
}

/** True when no frame of the stack is user code: the error came from compiling, not running. */
export function onlyInternalFrames(stack: string): boolean {
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .every((l) => /\(node:|at node:|at async node:|\(<anonymous>\)$/.test(l));
}

const RELATIVE_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The entry and the relative JavaScript files it imports, transitively (bounded), entry first. */
function candidateFiles(entry: string, limit = 30): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length && seen.size < limit) {
    const file = queue.shift() as string;
    if (seen.has(file) || !/\.(m|c)?js$/.test(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(RELATIVE_IMPORT)) queue.push(path.resolve(path.dirname(file), m[1]));
  }
  return [...seen];
}

/** Asks V8 (a `node --check` per file) where an ES module's syntax error is. Only on the error path. */
export function locateByChecking(entry: string): SyntaxLocation | undefined {
  for (const file of candidateFiles(entry)) {
    try {
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      execFileSync(process.execPath, ['--check', file], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 });
    } catch (err) {
      const loc = locationFromStack(String((err as { stderr?: Buffer }).stderr ?? ''));
      if (loc) return loc;
    }
  }
  return undefined;
}

/** The location of a parse error of the snippet (or a file it imports); undefined for any other error. */
export function locateSyntaxError(err: unknown, entry: string | undefined): SyntaxLocation | undefined {
  if (!(err instanceof Error) || err.name !== 'SyntaxError') return undefined;
  const stack = String(err.stack ?? '');
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  const loc = locationFromStack(stack);
  // A compile error's first frame is Node's compiler (or none, for the TypeScript transform's);
  // JSON.parse and eval put the same kind of header on theirs, for `<anonymous_script>`.
  if (loc && fs.existsSync(loc.file) && (!frames.length || /\(node:|at node:/.test(frames[0]))) return loc;
  // A SyntaxError thrown by running code (JSON.parse, new Function) has user frames.
  if (!entry || !onlyInternalFrames(stack)) return undefined;
  return locateByChecking(entry);
}
