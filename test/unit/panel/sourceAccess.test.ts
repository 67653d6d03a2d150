// Go to source opens only plain files inside the allowed folders; trace text shown in a
// notification cannot become a command link.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkSourceLocation, plainText } from '../../../src/panel/sourceAccess';

describe('Go to source: which locations may open', () => {
  let dir: string;
  let ws: string;
  let traces: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cl-source-')));
    ws = path.join(dir, 'ws');
    traces = path.join(dir, 'traces');
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    fs.mkdirSync(traces);
    fs.writeFileSync(path.join(ws, 'src', 'a.mjs'), '');
    fs.writeFileSync(path.join(dir, 'secret.txt'), '');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(ws, 'link.txt'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens absolute paths and file:// URLs inside the workspace or the trace folder', () => {
    const a = path.join(ws, 'src', 'a.mjs');
    assert.deepStrictEqual(checkSourceLocation(a, [ws]), { ok: true, file: a });
    assert.deepStrictEqual(checkSourceLocation(`file://${a}`, [ws]), { ok: true, file: a });
    assert.deepStrictEqual(checkSourceLocation(path.join(traces, 'gone.mjs'), [ws, traces]), { ok: true, file: path.join(traces, 'gone.mjs') });
  });

  it('refuses other schemes, relative, UNC and NUL paths', () => {
    for (const loc of ['command:workbench.action.reloadWindow', 'command:concurrencyLab.runFile?%5B%5D', 'javascript:alert(1)', 'vscode://file/etc/passwd', 'https://example.com/a.js', 'data:text/plain,x', 'src/a.mjs', './a.mjs', '\\\\server\\share\\a.js', '//server/share/a.js', `${ws}/a\0.mjs`, '', 'file://server/share/a.js'])
      assert.deepStrictEqual(checkSourceLocation(loc, [ws]), { ok: false, reason: 'notAFile' }, loc);
  });

  it('refuses files outside the allowed folders, after resolving .. and symbolic links', () => {
    for (const loc of [path.join(dir, 'secret.txt'), path.join(ws, '..', 'secret.txt'), path.join(ws, 'link.txt'), '/etc/passwd', path.join(ws + '-other', 'a.mjs')])
      assert.deepStrictEqual(checkSourceLocation(loc, [ws]), { ok: false, reason: 'outside' }, loc);
    assert.deepStrictEqual(checkSourceLocation(path.join(ws, 'src', 'a.mjs'), []), { ok: false, reason: 'outside' });
  });

  it('plainText keeps trace text from becoming a link or extra lines in a notification', () => {
    const shown = plainText('[run me](command:workbench.action.reloadWindow)\nline2\u202e');
    assert.ok(!/[[\]\n\u202e]/.test(shown), shown);
    assert.match(shown, /run me/);
    assert.strictEqual(plainText('x'.repeat(500)).length, 200);
  });
});
