// The `concurrency-lab` command line, run for real as `node dist/cli.js` (build first): exit codes,
// every kind of bad input, output passing through, stop on Ctrl-C, traces written and exported.
import { strict as assert } from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { parseJsonl, sortEvents } from '../../../src/trace/jsonl';
import { unpackEvents } from '../../../src/trace/packed';
import { chromeTraceProblems } from '../runner/chromeRules';
import { fixture, survivors } from '../runner/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, BUNDLES.cli);

interface Ran {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  child: ChildProcess;
}

function cli(args: string[], opts: { onStdout?: (text: string, child: ChildProcess) => void; countOnly?: boolean; input?: string } = {}): Promise<Ran> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  const out: Buffer[] = [];
  let bytes = 0;
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    bytes += c.length;
    if (!opts.countOnly) out.push(c);
    opts.onStdout?.(c.toString(), child);
  });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: opts.countOnly ? Buffer.alloc(bytes) : Buffer.concat(out), stderr: err, child })),
  );
}

let tmp: string;
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};
/** One line on stderr, prefixed by the tool's name, and no stack trace from our code. */
const oneLineError = (r: Ran, re: RegExp) => {
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length <= 2, `expected one line (plus a hint), got:\n${r.stderr}`);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
};

describe('concurrency-lab CLI', function () {
  this.timeout(60000);
  before(() => {
    assert.ok(fs.existsSync(CLI), `${BUNDLES.cli} is missing: build first (npx webpack --mode development --config-name runtime --config-name cli)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-cli-test-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--help and --version', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout.toString(), /Usage:\n\s+concurrency-lab run FILE/);
    const version = await cli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.toString().trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('usage errors exit 2 with a one-line message', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['--bogus'], /unknown option --bogus/],
      [['run'], /run: missing FILE/],
      [['run', fixture('args.mjs'), '--bogus'], /Unknown option '--bogus'/],
      [['run', fixture('args.mjs'), '--timeout'], /--timeout/],
      [['run', fixture('args.mjs'), '--timeout', 'soon'], /--timeout: expected a positive number/],
      [['run', fixture('args.mjs'), '--max-processes', '0'], /--max-processes: expected a positive integer/],
      [['run', fixture('args.mjs'), '--context', 'fiber'], /--context: expected process or thread/],
      [['run', fixture('args.mjs'), '--trace', 'out.txt'], /--trace: out.txt must end in \.jsonl/],
      [['run', fixture('args.mjs'), '--prefix', '--no-prefix'], /contradict/],
      [['export', 'a.jsonl'], /export: missing OUT/],
      [['report'], /report: missing IN and OUT/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}`);
      oneLineError(r, re);
    }
  });

  it('bad input: missing file, directory, unsupported extension, unreadable file', async () => {
    const cases: [string, RegExp][] = [
      [path.join(tmp, 'nope.mjs'), /nope\.mjs: no such file/],
      [tmp, /is a directory/],
      [write('script.rb', 'puts 1\n'), /cannot run "\.rb" files \(supported: \.js, \.mjs.*\.py\)/],
    ];
    // Root reads any file whatever its mode, so as root an unreadable file is a symlink loop.
    const unreadable = path.join(tmp, 'locked.mjs');
    if (process.getuid?.() === 0) fs.symlinkSync(unreadable, unreadable);
    else fs.writeFileSync(unreadable, 'console.log(1)\n', { mode: 0o000 });
    cases.push([unreadable, /locked\.mjs: cannot read it/]);
    for (const [file, re] of cases) {
      const r = await cli(['run', file]);
      assert.equal(r.code, 2, `${file} -> ${r.code}: ${r.stderr}`);
      oneLineError(r, re);
    }
  });

  it('a syntax error is one line, file:line:col, exit 1 — JavaScript (ESM, CommonJS) and TypeScript', async () => {
    const cases: [string, string, string][] = [
      ['bad.mjs', "import * as fs from 'fs';\n\nconst x = (;\nconsole.log(fs, x);\n", ':3:12: SyntaxError: Unexpected token'],
      ['bad.cjs', 'const a = 1;\nconst b = a +;\n', ':2:14: SyntaxError: Unexpected token'],
      ['bad.ts', 'const a: number = 1;\nconst b: number = a *;\n', ':2:22: SyntaxError: Unexpected token'],
      ['bad.mts', 'const a: number = 1;\n\nexport const b = (;\n', ':3:19: SyntaxError: Unexpected token'],
    ];
    for (const [name, text, where] of cases) {
      const file = write(name, text);
      const r = await cli(['run', file]);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line, got:\n${r.stderr}`);
      assert.ok(r.stderr.startsWith(`${file}${where}`), `${name}: got ${r.stderr}`);
    }
  });

  it('a snippet that throws shows its own stack and exits 1; a SyntaxError it throws while running is not a parse error', async () => {
    const r = await cli(['run', fixture('throws.cjs')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: boom from the snippet\n\s+at snippetFails \(.*throws\.cjs:3:9\)/);
    const j = await cli(['run', fixture('throws-runtime-syntax.cjs')]);
    assert.equal(j.code, 1);
    assert.match(j.stderr, /at Object.<anonymous> \(.*throws-runtime-syntax\.cjs:2:6\)/);
  });

  it('exit codes: the main process\'s, 128 + signal, 124 on timeout', async () => {
    assert.equal((await cli(['run', fixture('exit-code.cjs'), '--', '7'])).code, 7);
    assert.equal((await cli(['run', fixture('exit-code.cjs'), '--', 'SIGKILL'])).code, 128 + 9);
    const t = await cli(['run', fixture('stubborn-tree.cjs'), '--timeout', '0.5']);
    assert.equal(t.code, 124);
    assert.match(t.stderr, /timed out after 0\.5 s/);
  });

  it('passes arguments after -- to the snippet, options included', async () => {
    const r = await cli(['run', fixture('args.mjs'), '--no-prefix', '--', '--trace', 'x', '-h']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout.toString()), ['--trace', 'x', '-h']);
  });

  it('runs TypeScript with no build step: type errors do not stop it, `concurrency-lab` resolves (.mts and CommonJS .ts)', async () => {
    const mts = write('types.mts', "import { isMainProcess } from 'concurrency-lab';\ninterface P { x: number }\nconst p: P = { x: 'no' } as unknown as P;\nif (isMainProcess()) console.log(`ts ok ${p.x}`);\nawait Promise.resolve();\n");
    const r = await cli(['run', mts]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'ts ok no\n');
    const cts = write('common.ts', "import { isMainProcess, currentProcess } from 'concurrency-lab';\nimport * as path from 'path';\nconst label: string = path.basename(__filename);\nconsole.log(`${label} ${isMainProcess()} ${currentProcess().name}`);\n");
    const c = await cli(['run', cts]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.toString(), 'common.ts true MainProcess\n');
  });

  it('piped input reaches the snippet', async () => {
    const r = await cli(['run', fixture('echo-stdin.cjs')], { input: 'line one\nline two\n' });
    assert.equal(r.stdout.toString(), 'got "line one\\nline two\\n"\n');
  });

  it('binary output passes through unharmed', async () => {
    const r = await cli(['run', fixture('binary-output.cjs')]);
    assert.equal(r.code, 0);
    const expected = Buffer.alloc(1024);
    for (let i = 0; i < 1024; i++) expected[i] = i % 256;
    assert.ok(r.stdout.equals(expected), 'same bytes');
  });

  it('--prefix marks every line with the process that wrote it', async () => {
    const r = await cli(['run', fixture('golden-tree.cjs'), '--prefix']);
    const lines = r.stdout.toString().trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.replace(/ \d+\]/, ' PID]')),
      ['[MainProcess PID] main: start', '[golden-tree.cjs PID] child 1', '[golden-tree.cjs PID] child 2', '[MainProcess PID] main: done'],
    );
    assert.match(r.stderr, /^\[golden-tree\.cjs \d+\] grandchild on stderr\n$/);
  });

  it('on a terminal, prefixes lines in colour by default', async () => {
    // `script` (bsdutils, an essential Debian package) gives the CLI a pseudo-terminal as stdout.
    const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} run ${JSON.stringify(fixture('golden-tree.cjs'))}`, '/dev/null'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // Colour codes are ESC [ n m; with the ESCs marked, the lines read plainly.
    const shown = r.stdout.split(String.fromCharCode(27)).join('<ESC>');
    assert.match(shown, /<ESC>\[\d+m\[MainProcess \d+\]<ESC>\[0m main: start\r?\n/);
    assert.match(shown, /<ESC>\[\d+m\[golden-tree\.cjs \d+\]<ESC>\[0m grandchild on stderr/);
  });

  it('streams 100 MB of output with the runner under 200 MB of memory', async function () {
    let peakKb = 0;
    const sample = (pid: number) => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const r = await cli(['run', fixture('big-output.cjs'), '--', '100'], {
      countOnly: true,
      onStdout: (_t, child) => {
        timer ??= setInterval(() => sample(child.pid as number), 20);
      },
    });
    clearInterval(timer);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 100 * 1024 * 1024);
    assert.ok(peakKb > 0 && peakKb < 200 * 1024, `runner peak RSS ${Math.round(peakKb / 1024)} MB`);
  });

  it('Ctrl-C stops the whole tree (SIGTERM-ignoring grandchildren too) and exits 130', async () => {
    let ready = 0;
    let text = '';
    const r = await cli(['run', fixture('stubborn-tree.cjs'), '--no-prefix'], {
      onStdout: (t, child) => {
        text += t;
        ready = (text.match(/ ready /g) ?? []).length;
        if (ready === 3) child.kill('SIGINT');
      },
    });
    assert.equal(r.code, 130);
    const pids = [...text.matchAll(/ready (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 3);
    assert.deepEqual(survivors(pids), []);
  });

  // Node dies of SIGTERM until a JavaScript listener exists: a CLI signalled while it loaded (it
  // takes a second on a loaded machine) wrote no trace (fault campaign, runner round seed
  // 3044043687). It catches stop signals from its first line now (SIGHUP caught = ready): the
  // earliest SIGTERM still stops the tree in order and writes a trace that says so.
  it('SIGTERM the moment the CLI catches signals: exit 143, a valid trace ending in run.end stopped', async () => {
    const jsonl = path.join(tmp, 'early.jsonl');
    const child = spawn(process.execPath, [CLI, 'run', fixture('three-children.cjs'), '--trace', jsonl], { stdio: 'ignore' });
    const closed = new Promise<[number | null, string | null]>((r) => child.on('close', (code, sig) => r([code, sig])));
    const catchesHup = () => {
      try {
        const m = /^SigCgt:\s+([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'latin1'));
        return !!m && (BigInt(`0x${m[1]}`) & 1n) === 1n;
      } catch {
        return false;
      }
    };
    while (!catchesHup() && child.exitCode === null) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGTERM');
    assert.deepEqual(await closed, [143, null]);
    const trace = parseJsonl(fs.readFileSync(jsonl, 'utf8'));
    assert.equal(trace.malformed, 0);
    assert.ok(trace.header);
    const end = trace.events.at(-1);
    assert.equal(end?.kind, 'run.end');
    assert.equal(end?.kind === 'run.end' && end.reason, 'stopped');
  });

  // A full disk or a file size limit while the trace is written: one line that says what was
  // wrong and what to do, and no cut-off file that looks like a whole trace (it used to be cut at
  // the limit silently, exit 0). `ulimit -f 1` (1 KiB) in a child shell: the run itself still runs.
  it('a trace that cannot be written whole (ulimit -f): one line, exit 2, no partial file, an older trace kept', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'fsize-'));
    const jsonl = path.join(dir, 'run.jsonl');
    fs.writeFileSync(jsonl, 'older trace\n');
    const sh = spawnSync('bash', ['-c', `ulimit -f 1; exec "${process.execPath}" "${CLI}" run "${fixture('three-children.cjs')}" --trace "${jsonl}"`], { encoding: 'utf8' });
    assert.equal(sh.status, 2, sh.stderr);
    assert.match(sh.stdout, /main done/, 'the run itself ran');
    const r = { code: sh.status, stdout: Buffer.from(sh.stdout), stderr: sh.stderr } as Ran;
    oneLineError(r, /^concurrency-lab: .*run\.jsonl: the trace was not written \(EFBIG\): the file size limit \(ulimit -f\) was reached: raise it or trace a shorter run$/);
    assert.deepEqual(fs.readdirSync(dir), ['run.jsonl'], 'no partial file left');
    assert.equal(fs.readFileSync(jsonl, 'utf8'), 'older trace\n');
  });

  it('a reader that closes stdout early (| head) stops the whole tree: exit 141, one line, the trace written', async () => {
    // Like any Unix program, the CLI learns of the closed pipe at its next write: the snippet
    // keeps writing. The leak hook fails the test if any process of the run survives it.
    const jsonl = path.join(tmp, 'closed.jsonl');
    const r = await cli(['run', fixture('big-output.cjs'), '--trace', jsonl, '--', '1000'], { onStdout: (_t, child) => child.stdout?.destroy() });
    assert.equal(r.code, 141, r.stderr);
    assert.equal(r.stderr.trim(), 'concurrency-lab: stdout was closed before the run ended: stopped the whole process tree');
    const trace = parseJsonl(fs.readFileSync(jsonl, 'utf8'));
    assert.equal(trace.malformed, 0);
    assert.equal(trace.events.at(-1)?.kind, 'run.end');
  });

  it('--trace writes the native trace and the Chrome trace; export converts', async () => {
    const jsonl = path.join(tmp, 'run.jsonl');
    const json = path.join(tmp, 'run.json');
    assert.equal((await cli(['run', fixture('three-children.cjs'), '--trace', jsonl])).code, 0);
    assert.equal((await cli(['run', fixture('three-children.cjs'), '--trace', json])).code, 0);
    const native = parseJsonl(fs.readFileSync(jsonl, 'utf8'));
    assert.equal(native.malformed, 0);
    assert.equal(native.header?.file, fixture('three-children.cjs'));
    assert.equal(native.events.filter((e) => e.kind === 'process.start').length, 4);
    assert.equal(native.events.at(-1)?.kind, 'run.end');
    // Written from the channel's own lines, yet merged on the shared clock like the events.
    assert.ok(native.events.every((e, i) => i === 0 || native.events[i - 1].ts <= e.ts), 'lines in ts order');
    const chrome = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.deepEqual(chromeTraceProblems(chrome), []);
    assert.equal(chrome.traceEvents.filter((e: { name: string }) => e.name === 'process_name').length, 4);

    const exported = path.join(tmp, 'exported.json');
    const ex = await cli(['export', jsonl, exported]);
    assert.equal(ex.code, 0, ex.stderr);
    assert.deepEqual(chromeTraceProblems(JSON.parse(fs.readFileSync(exported, 'utf8'))), []);
    const back = path.join(tmp, 'back.jsonl');
    assert.equal((await cli(['export', exported, back])).code, 0);
    assert.deepEqual(parseJsonl(fs.readFileSync(back, 'utf8')).events, native.events);

    const notTrace = write('not-a-trace.jsonl', 'hello\n');
    oneLineError(await cli(['export', notTrace, exported]), /not a Concurrency Lab trace/);
    oneLineError(await cli(['export', path.join(tmp, 'missing.jsonl'), exported]), /missing\.jsonl: no such file/);
    oneLineError(await cli(['run', fixture('args.mjs'), '--trace', path.join(tmp, 'no', 'dir.jsonl')]), /does not exist/);
  });

  it('report writes one self-contained HTML file with the trace embedded', async () => {
    const jsonl = path.join(tmp, 'for-report.jsonl');
    const html = path.join(tmp, 'report.html');
    assert.equal((await cli(['run', fixture('golden-tree.cjs'), '--trace', jsonl])).code, 0);
    const r = await cli(['report', jsonl, html]);
    assert.equal(r.code, 0, r.stderr);
    const text = fs.readFileSync(html, 'utf8');
    const embedded = /<script type="application\/json" id="concurrency-lab-trace">(.*?)<\/script>/s.exec(text);
    assert.ok(embedded, 'trace embedded');
    const data = JSON.parse(embedded[1]);
    // Packed (src/trace/packed.ts) and in time order: every event of the trace, exactly.
    assert.deepEqual(unpackEvents(data.packed), { events: sortEvents(parseJsonl(fs.readFileSync(jsonl, 'utf8')).events), malformed: 0 });
    assert.match(data.title, /golden-tree\.cjs/);
    // Offline from file://: nothing is loaded from anywhere but the file itself.
    assert.doesNotMatch(text, /\s(src|href)="(?!data:)[^"]*"/);
    oneLineError(await cli(['report', path.join(tmp, 'missing.jsonl'), html]), /missing\.jsonl: no such file/);
  });
});
