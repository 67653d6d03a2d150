// Lint, and the layering rules of docs/architecture.md: a wrong import fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Builds a no-restricted-imports rule forbidding the given layers, with a message saying why. */
function forbid(layer, banned, why) {
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: banned.includes('vscode') ? [{ name: 'vscode', message: `src/${layer} must not use the vscode API: ${why}` }] : [],
          patterns: banned
            .filter((b) => b !== 'vscode')
            .map((b) => ({ group: [`**/${b}`, `**/${b}/**`, `../${b}/*`, `./${b}/*`], message: `src/${layer} must not import src/${b}: ${why}` })),
        },
      ],
    },
  };
}

/**
 * Like forbid(), for rooms inside src/runtime: `name` must not import the sibling rooms in
 * `banned`. Flat config lets a later block replace a rule, so the room's rule repeats the
 * runtime's own bans (RUNTIME_BANS) and adds its own.
 */
function room(name, banned, why) {
  const base = forbid('runtime', RUNTIME_BANS, RUNTIME_WHY).rules['@typescript-eslint/no-restricted-imports'][1];
  const own = banned.map((b) => ({ group: [`../${b}`, `../${b}/*`], message: `src/runtime/${name} must not import src/runtime/${b}: ${why}` }));
  return {
    files: [`src/runtime/${name}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: base.paths, patterns: [...base.patterns, ...own] }] },
  };
}
const RUNTIME_BANS = ['vscode', 'runner', 'cli', 'protocol', 'panel', 'scaffold', 'webview'];
const RUNTIME_WHY = 'the runtime runs inside snippet processes, outside VS Code';

const NODE_BUILTINS = ['fs', 'path', 'child_process', 'os', 'net', 'worker_threads', 'node:*'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/out/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  forbid('trace', ['vscode', 'runtime', 'runner', 'cli', 'protocol', 'panel', 'scaffold', 'webview'], 'trace is the pure schema every layer shares'),
  {
    files: ['src/trace/**/*.ts', 'src/protocol/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: NODE_BUILTINS.filter((n) => !n.includes('*')), patterns: [{ group: ['node:*'], message: 'Node built-ins are not available in this layer (it runs in a browser or is shared with one).' }] }],
    },
  },
  forbid('protocol', ['vscode', 'runtime', 'runner', 'cli', 'panel', 'scaffold', 'webview'], 'protocol is shared by the panel and the webview'),
  forbid('runtime', RUNTIME_BANS, RUNTIME_WHY),
  // Rooms inside the runtime (docs/runtime.md, "Where things are"): tracing is the floor every
  // room writes to; transport moves bytes and knows nothing of what they mean.
  room('tracing', ['transport', 'process', 'pool', 'messaging', 'sync', 'shared', 'memory'], 'tracing is the floor every room writes to; it must stay free of the rooms above it'),
  room('transport', ['pool', 'messaging', 'sync', 'shared', 'memory'], 'transport moves bytes between threads and processes and knows nothing of the primitives built on it'),
  // memory/ (shared bytes, typecodes, Value/SharedArray) and sync/ (locks, semaphores, event,
  // condition, barrier) are primitives: they sit on transport and tracing, never on the pool,
  // messaging or managers built beside them.
  room('memory', ['pool', 'messaging', 'shared'], 'shared memory is a primitive below pools, queues and managers'),
  room('sync', ['pool', 'messaging', 'shared'], 'locks are primitives below pools, queues and managers'),
  forbid('runner', ['vscode', 'runtime', 'cli', 'protocol', 'panel', 'scaffold', 'webview'], 'the runner is shared with the CLI and tested in plain mocha (cancel with AbortSignal)'),
  forbid('cli', ['vscode', 'runtime', 'protocol', 'panel', 'scaffold', 'webview'], 'the CLI runs outside VS Code'),
  forbid('webview', ['vscode', 'runtime', 'runner', 'cli', 'panel', 'scaffold'], 'the webview is a browser page; talk to the host through src/protocol'),
  forbid('panel', ['runtime', 'cli', 'scaffold', 'webview'], 'the panel talks to the webview only through src/protocol'),
  forbid('scaffold', ['runtime', 'runner', 'cli', 'panel', 'webview', 'protocol'], 'scaffolding writes files; running is the extension\'s job'),
  {
    files: ['test/**/*.ts', 'test/**/*.mjs', 'test/**/*.js', 'bench/**', 'scripts/**', '*.js', '*.mjs', '*.cjs'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
