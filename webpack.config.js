// One webpack config per bundle (see docs/architecture.md). Bundle paths are defined once in
// src/bundlePaths.ts's BUNDLES and mirrored here by name; a test checks they agree.
'use strict';
const path = require('path');
const webpack = require('webpack');
const CopyPlugin = require('copy-webpack-plugin');
const { RuntimeDeclarationsPlugin } = require('./scripts/lib/runtime-declarations.cjs');

const dist = path.resolve(__dirname, 'dist');

/** @param {string} configFile */
const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile: path.resolve(__dirname, configFile), transpileOnly: true, compilerOptions: { noEmit: false, module: 'ESNext', moduleResolution: 'Bundler' } } }],
});

/** @type {(env: unknown, argv: {mode?: string}) => import('webpack').Configuration[]} */
module.exports = (_env, argv) => {
  const mode = argv.mode === 'development' ? 'development' : 'production';
  const common = {
    mode,
    devtool: 'source-map',
    resolve: { extensions: ['.ts', '.js'] },
    optimization: { minimize: mode === 'production' },
    infrastructureLogging: { level: 'warn' },
    stats: 'errors-warnings',
    performance: { hints: false },
  };
  return [
    {
      ...common,
      name: 'extension',
      target: 'node20',
      entry: { extension: './src/extension.ts' },
      output: { path: dist, filename: '[name].js', library: { type: 'commonjs2' }, devtoolModuleFilenameTemplate: '../[resource-path]' },
      externals: { vscode: 'commonjs vscode' },
      module: { rules: [tsRule('tsconfig.json')] },
    },
    {
      ...common,
      name: 'cli',
      target: 'node20',
      entry: { cli: './src/cli/main.ts' },
      output: { path: dist, filename: '[name].js', library: { type: 'commonjs2' }, devtoolModuleFilenameTemplate: '../[resource-path]' },
      module: { rules: [tsRule('tsconfig.json')] },
      plugins: [new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true })],
    },
    {
      // Loaded by snippet processes (children, pool workers, worker threads). Must never pull in
      // vscode; `commonjs-static` keeps named exports visible to ESM `import { Pool } from ...`.
      ...common,
      name: 'runtime',
      target: 'node20',
      entry: { index: './src/runtime/facade.ts', core: './src/runtime/index.ts', preload: './src/runtime/preload.ts', child: './src/runtime/child.ts', loader: './src/runtime/loader/hooks.ts', typescript: './src/runtime/loader/typescript.ts' },
      output: { path: path.join(dist, 'runtime'), filename: '[name].js', library: { type: 'commonjs-static' }, devtoolModuleFilenameTemplate: '../../[resource-path]' },
      externals: { vscode: 'commonjs vscode-is-not-available-in-the-runtime' },
      module: { rules: [tsRule('src/runtime/tsconfig.json')] },
      // dist/runtime/types/: the public API's declarations (BUNDLES.runtimeTypes), for scaffolded examples.
      // dist/python/: the Python tracer (BUNDLES.pythonTracer), plain files run by Python itself.
      plugins: [
        new RuntimeDeclarationsPlugin(path.resolve(__dirname, 'src/runtime/tsconfig.decl.json')),
        new CopyPlugin({ patterns: [{ from: 'src/python', to: path.join(dist, 'python'), globOptions: { ignore: ['**/__pycache__/**', '**/*.pyc'] } }] }),
      ],
    },
    {
      ...common,
      name: 'webview',
      target: 'web',
      entry: { main: './src/webview/main.ts' },
      output: { path: path.join(dist, 'webview'), filename: '[name].js' },
      module: {
        rules: [tsRule('src/webview/tsconfig.json'), { test: /\.css$/, type: 'asset/resource' }],
      },
      plugins: [
        new CopyPlugin({
          patterns: [
            { from: 'node_modules/@vscode/codicons/dist/codicon.css', to: 'codicon.css' },
            { from: 'node_modules/@vscode/codicons/dist/codicon.ttf', to: 'codicon.ttf' },
          ],
        }),
      ],
    },
  ];
};
