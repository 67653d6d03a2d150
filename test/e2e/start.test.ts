// `npm start`'s code-server path as a user meets it: it prints a 127.0.0.1 URL that serves the
// workbench with our extension installed, and Ctrl-C (SIGINT) stops everything it started.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SESSION_ENV } from '../../scripts/lib/code-server';
import { REPO_ROOT } from '../../scripts/lib/paths';

function sessionProcesses(prefix: string): number[] {
  const found: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`, 'latin1').split('\0');
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state !== 'Z' && env.some((v) => v.startsWith(`${SESSION_ENV}=${prefix}`))) found.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe('npm start (code-server path)', () => {
  it('prints a 127.0.0.1 URL serving the workbench with the extension, and stops cleanly on SIGINT', async function () {
    this.timeout(180_000);
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-start-'));
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start-code-server.mjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CONCURRENCY_LAB_START_DIR: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!/Press Ctrl-C to stop/.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const url = /^\s*(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out)?.[1];
      assert.ok(url, `no URL printed:\n${out}`);

      const origin = new URL(url).origin;
      const health = await fetch(`${origin}/healthz`);
      assert.strictEqual(health.status, 200);
      const page = await fetch(url);
      assert.strictEqual(page.status, 200);
      assert.match(await page.text(), /workbench/i);
      const installed = fs.readdirSync(path.join(state, 'start', 'extensions'));
      assert.ok(installed.some((d) => d.startsWith('concurrency-lab.concurrency-lab-')), `extension not installed: ${installed.join(', ')}`);
      assert.ok(fs.readdirSync(path.join(state, 'examples-workspace')).includes('javascript'), 'examples workspace not prepared');
      assert.ok(sessionProcesses(`${child.pid}-`).length > 0, 'no code-server processes found for this start');

      child.kill('SIGINT');
      assert.strictEqual(await exited, 0, out);
      assert.match(out, /no process left behind/);
      assert.deepStrictEqual(sessionProcesses(`${child.pid}-`), []);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(state, { recursive: true, force: true });
    }
  });
});
