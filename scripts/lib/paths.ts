// Where the real VS Code host (code-server) and its throwaway state live. One module knows.
import * as os from 'os';
import * as path from 'path';

export const CODE_SERVER_VERSION = '4.100.3';
/** VS Code version inside that code-server (engines.vscode must not exceed it). */
export const VSCODE_VERSION = '1.100.3';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Git-ignored cache folder: the ecosystem's convention for test hosts. */
export const CACHE_DIR = path.join(REPO_ROOT, '.vscode-test');
export const HOST_DIR = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
export const HOST_ENTRY = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written last by a successful install; its presence is the fast path. */
export const HOST_STAMP = path.join(HOST_DIR, '.installed');

/** Debian's Chromium: never `playwright install` (it downloads from a CDN). */
export const CHROMIUM = process.env.CONCURRENCY_LAB_CHROMIUM || '/usr/bin/chromium';

/**
 * Run folders (user data, sockets, workspace copies) go under the OS temp folder with a short
 * name: unix socket paths inside them are limited to 108 bytes.
 */
export function tempRoot(): string {
  return os.tmpdir();
}
