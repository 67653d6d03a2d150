// The manifest against the code and against VS Code's contribution rules: commands, menus,
// snippets and the walkthrough (schema-checked with ajv), and every %key% in both languages.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as ts from 'typescript';
import { COMMANDS } from '../../../src/commands';
import { EXAMPLE_IDS, isExampleId } from '../../../src/scaffold/catalogue';
import { expandSnippet } from './snippetText';

const ROOT = path.resolve(__dirname, '../../..');
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
const pkg = read('package.json');
const nls: Record<string, Record<string, string>> = { en: read('package.nls.json'), 'zh-cn': read('package.nls.zh-cn.json') };
const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

interface Snippet {
  prefix: string;
  body: string[];
  description: string;
  isFileTemplate?: boolean;
}

describe('package.json contributions', () => {
  it('contributes exactly the commands of src/commands.ts', () => {
    assert.deepStrictEqual([...contributed].sort(), Object.values(COMMANDS).sort());
  });

  it('menus refer only to contributed commands', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
      for (const item of items) assert.ok(contributed.has(item.command), `${menu}: ${item.command} is not contributed`);
    }
  });

  it('shows the run button only in trusted workspaces, for the file types the runner takes', () => {
    const title = (pkg.contributes.menus['editor/title'] as { command: string; when: string }[]).find((m) => m.command === COMMANDS.runFile);
    assert.ok(title);
    assert.match(title.when, /isWorkspaceTrusted/);
    const re = /resourceExtname =~ \/(.+)\//.exec(title.when);
    assert.ok(re);
    const ext = new RegExp(re[1]!);
    for (const e of ['.js', '.mjs', '.cjs', '.ts', '.mts', '.py']) assert.ok(ext.test(e), e);
    for (const e of ['.json', '.pyc', '.tsx', 'x.js']) assert.ok(!ext.test(e), e);
  });

  it('declares limited untrusted-workspace support and the l10n folder', () => {
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.strictEqual(pkg.l10n, './l10n');
  });

  it('has every %key% of the manifest in English and Simplified Chinese, and no stray keys', () => {
    const used = new Set([...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    for (const [lang, table] of Object.entries(nls)) {
      const missing = [...used].filter((k) => typeof table[k] !== 'string' || !table[k]!.trim());
      assert.deepStrictEqual(missing, [], `package.nls${lang === 'en' ? '' : '.' + lang}.json lacks these keys`);
    }
    assert.deepStrictEqual(Object.keys(nls['zh-cn']!).sort(), Object.keys(nls.en!).sort(), 'the two nls files have different keys');
  });

  it('translates every manifest string (no English left in zh-cn, placeholders kept)', () => {
    for (const [k, en] of Object.entries(nls.en!)) {
      const zh = nls['zh-cn']![k]!;
      assert.notStrictEqual(zh, en, `${k} is not translated`);
      const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]);
      assert.deepStrictEqual(links(zh), links(en), `${k}: command links differ between languages`);
    }
  });
});

describe('snippets', () => {
  const PREFIXES = ['cl-process', 'cl-pool', 'cl-pool-map', 'cl-queue', 'cl-pipe', 'cl-pipe-duplex', 'cl-value', 'cl-lock', 'cl-manager'];
  it('are contributed for JavaScript, TypeScript and Python', () => {
    assert.deepStrictEqual(
      pkg.contributes.snippets.map((s: { language: string }) => s.language).sort(),
      ['javascript', 'python', 'typescript'],
    );
  });
  for (const { language, path: rel } of pkg.contributes.snippets as { language: string; path: string }[]) {
    const snippets: Record<string, Snippet> = read(rel);
    it(`${language}: has every prefix, each a file template with a description`, () => {
      assert.deepStrictEqual(Object.values(snippets).map((s) => s.prefix).sort(), [...PREFIXES].sort());
      for (const [name, s] of Object.entries(snippets)) {
        assert.strictEqual(s.isFileTemplate, true, name);
        assert.ok(s.description.length > 10, name);
        assert.ok(Array.isArray(s.body) && s.body.length > 3, name);
      }
    });
    for (const [name, s] of Object.entries(snippets)) {
      if (language === 'python') {
        it(`python: ${s.prefix} expands to a script that compiles, uses multiprocessing and has the __main__ guard`, () => {
          const code = expandSnippet(s.body);
          assert.match(code, /^(import multiprocessing|from multiprocessing import )/m);
          assert.match(code, /^if __name__ == '__main__':$/m);
          const r = spawnSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "x.py", "exec")'], { input: code, encoding: 'utf8' });
          assert.strictEqual(r.status, 0, `${name}: ${r.stderr}`);
        });
        continue;
      }
      it(`${language}: ${s.prefix} expands to a module that parses and imports concurrency-lab`, () => {
        const code = expandSnippet(s.body);
        assert.match(code, /from 'concurrency-lab';/);
        assert.match(code, /if \(isMainProcess\(\)\)/);
        const fileName = language === 'typescript' ? 'x.mts' : 'x.mjs';
        const out = ts.transpileModule(code, { fileName, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
        assert.deepStrictEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], name);
      });
    }
  }
});

describe('walkthrough', () => {
  // The contribution rules of /work/shared/notes/platform-facts.md, as a JSON schema.
  const schema = {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['id', 'title', 'description', 'steps'],
      properties: {
        id: { type: 'string', pattern: '^[\\w.-]+$' },
        title: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
        steps: {
          type: 'array',
          minItems: 1,
          maxItems: 8,
          items: {
            type: 'object',
            required: ['id', 'title', 'media'],
            additionalProperties: false,
            properties: {
              id: { type: 'string', pattern: '^[\\w.-]+$' },
              title: { type: 'string', minLength: 1 },
              description: { type: 'string' },
              when: { type: 'string' },
              completionEvents: { type: 'array', items: { type: 'string', pattern: '^(onCommand|onContext|onSettingChanged|onView|onLink|onStepSelected|onEvent|extensionInstalled):.+' } },
              media: {
                oneOf: [
                  { type: 'object', required: ['image', 'altText'], additionalProperties: false, properties: { image: { type: 'string' }, altText: { type: 'string' } } },
                  { type: 'object', required: ['svg', 'altText'], additionalProperties: false, properties: { svg: { type: 'string' }, altText: { type: 'string' } } },
                  { type: 'object', required: ['markdown'], additionalProperties: false, properties: { markdown: { type: 'string' } } },
                ],
              },
            },
          },
        },
      },
    },
  };
  const walkthroughs = pkg.contributes.walkthroughs;

  it('matches the contribution schema', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(walkthroughs), JSON.stringify(validate.errors, null, 1));
  });

  it('follows the seed: processes vs threads, Process, Pool, map, Queue, Pipe, more ways to share data', () => {
    assert.deepStrictEqual(
      walkthroughs[0].steps.map((s: { id: string }) => s.id),
      ['processesVsThreads', 'process', 'pool', 'poolMap', 'queue', 'pipe', 'sharedState', 'sharedData'],
    );
  });

  it('a second walkthrough (the first is full) is about waits: when processes wait for each other', () => {
    assert.deepStrictEqual(
      walkthroughs.map((w: { id: string }) => w.id),
      ['explore', 'waits'],
    );
    assert.deepStrictEqual(
      walkthroughs[1].steps.map((s: { id: string }) => s.id),
      ['waits'],
    );
  });

  it('media files exist; SVGs are themed with VS Code colours and carry a title', () => {
    for (const step of walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps)) {
      const file = step.media.svg ?? step.media.markdown ?? step.media.image;
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} is missing`);
      if (step.media.svg) {
        const svg = fs.readFileSync(path.join(ROOT, file), 'utf8');
        assert.match(svg, /var\(--vscode-foreground\)/);
        assert.match(svg, /<title/);
        assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b/i, `${file} hard-codes a colour`);
      }
    }
  });

  it('every step has a button that tries its example, and completes when it is used', () => {
    const seen = new Set<string>();
    for (const step of walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps)) {
      const key = /^%(.+)%$/.exec(step.description)?.[1];
      assert.ok(key, `${step.id}: description is not localized`);
      const text = nls.en![key]!;
      const links = [...text.matchAll(/^\[[^\]]+\]\(command:([\w.]+)\?([^)]+)\)$/gm)];
      assert.ok(links.length > 0, `${step.id}: no button (a command link on its own line)`);
      for (const [, command, query] of links) {
        assert.ok(contributed.has(command!), `${step.id}: ${command} is not contributed`);
        const args = JSON.parse(decodeURIComponent(query!));
        assert.ok(Array.isArray(args));
        const example = typeof args[0] === 'string' ? args[0] : args[0].example;
        assert.ok(isExampleId(example), `${step.id}: unknown example ${example}`);
        if (command === COMMANDS.tryExample) {
          seen.add(example);
          const contextKey = `concurrencyLab.tried.${example.replace(/-(\w)/g, (_m: string, c: string) => c.toUpperCase())}`;
          assert.ok(step.completionEvents.includes(`onContext:${contextKey}`), `${step.id}: no completion event for ${example}`);
        }
      }
    }
    assert.deepStrictEqual([...seen].sort(), [...EXAMPLE_IDS].sort(), 'not every example can be tried from a walkthrough');
  });
});
