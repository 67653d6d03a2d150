// Where the runner finds what it starts: the built runtime preload and a Node executable.
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLES } from '../bundlePaths';

/**
 * The folder holding dist/ (the extension's folder, or the repository when run from source):
 * the first ancestor of this module that has the built preload. Works for dist/extension.js,
 * dist/cli.js and src/runner/*.ts alike.
 */
export function findExtensionRoot(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, BUNDLES.runtimePreload))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Node for snippets: this process's own executable, unless this is Electron (VS Code's
 *  extension host), whose executable is not a plain Node: then `node` from PATH. */
export function defaultNodePath(): string {
  return process.versions.electron ? 'node' : process.execPath;
}

/** Quotes one NODE_OPTIONS argument (Node's parser understands double quotes with \\ escapes). */
export function quoteNodeOption(arg: string): string {
  return /[\s"'\\]/.test(arg) ? `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"` : arg;
}
