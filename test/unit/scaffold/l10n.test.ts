// Every message the extension shows through vscode.l10n.t exists in the English bundle and in
// Simplified Chinese, with the same {N} placeholders and codicons.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { L10N_SOURCES, scanL10n } from './l10nKeys';

const ROOT = path.resolve(__dirname, '../../..');
const bundle = (name: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', name), 'utf8'));

describe('l10n bundles', () => {
  const scan = scanL10n(L10N_SOURCES.map((d) => path.join(ROOT, d)));
  const en = bundle('bundle.l10n.json');
  const zh = bundle('bundle.l10n.zh-cn.json');

  it('finds the messages (sanity check of the scanner)', () => {
    assert.ok(scan.messages.size > 30, `only ${scan.messages.size} messages found`);
    assert.ok(scan.messages.has('Manage Workspace Trust'));
  });

  it('every l10n.t message is a literal (so it can be translated)', () => {
    assert.deepStrictEqual(scan.dynamic, []);
  });

  it('every message is in bundle.l10n.json and bundle.l10n.zh-cn.json', () => {
    const missingEn = [...scan.messages].filter(([m]) => en[m] !== m).map(([m, where]) => `${where}: ${m}`);
    const missingZh = [...scan.messages].filter(([m]) => typeof zh[m] !== 'string').map(([m, where]) => `${where}: ${m}`);
    assert.deepStrictEqual(missingEn, [], 'missing from l10n/bundle.l10n.json');
    assert.deepStrictEqual(missingZh, [], 'missing from l10n/bundle.l10n.zh-cn.json');
  });

  it('translations keep placeholders and codicons, and are translated', () => {
    const marks = (s: string) => [...s.matchAll(/\{\d+\}|\$\([\w~-]+\)/g)].map((m) => m[0]).sort();
    for (const [m, t] of Object.entries(zh)) {
      assert.deepStrictEqual(marks(t), marks(m), `placeholders differ in: ${m}`);
      assert.ok(/[\u4e00-\u9fff]/.test(t) || /^[\w\s$().:{}'[\]0-9,-]+$/.test(m), `not translated: ${m}`);
    }
  });
});
