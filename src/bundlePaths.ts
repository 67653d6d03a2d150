// The one place that knows where each bundle lands inside the extension folder (relative paths).
// webpack.config.js produces exactly these; test/unit/bundlePaths.test.ts checks they agree.
export const BUNDLES = {
  extension: 'dist/extension.js',
  cli: 'dist/cli.js',
  runtime: 'dist/runtime/index.js',
  /** The runtime itself; runtime (index.js) is a small re-exporting facade (see src/runtime/facade.ts). */
  runtimeCore: 'dist/runtime/core.js',
  runtimePreload: 'dist/runtime/preload.js',
  /** ESM module hooks (module.register), loaded only by snippets that need them. */
  runtimeLoader: 'dist/runtime/loader.js',
  /** The TypeScript transform (sucrase), loaded only when a .ts/.mts/.cts file is. */
  runtimeTypescript: 'dist/runtime/typescript.js',
  /** Entry script of every child process / worker thread the runtime starts. */
  runtimeChild: 'dist/runtime/child.js',
  /** Declarations of the runtime's public API (not a webpack entry: written by the runtime config's
   * RuntimeDeclarationsPlugin); scaffolded examples' tsconfig.json maps `concurrency-lab` here. */
  runtimeTypes: 'dist/runtime/types/runtime/index.d.ts',
  /** The Python tracer (src/python, copied): `sitecustomize.py` beside the `concurrency_lab_tracer`
   *  package; the runner puts its folder first on PYTHONPATH for .py runs (src/runner/python.ts). */
  pythonTracer: 'dist/python/sitecustomize.py',
  webview: 'dist/webview/main.js',
  codiconCss: 'dist/webview/codicon.css',
} as const;

export type BundleName = keyof typeof BUNDLES;
