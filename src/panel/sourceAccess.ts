// Which source locations "Go to source" may open. A location comes from a trace, and a trace file
// can come from anywhere: its `loc.file` is untrusted text. Node only (no vscode), unit-tested.
//
// Rules: only a plain absolute file path (or a file:// URL of one) — never another scheme
// (`command:`, `javascript:`, `vscode:`, `http:`…), a relative path, a UNC path or a path with NUL;
// and only inside one of the allowed folders (the workspace folders and the trace's own folder),
// after resolving `..` and symbolic links. Everything else is refused with a reason.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

export type SourceCheck = { ok: true; file: string } | { ok: false; reason: 'notAFile' | 'outside' };

/** A URL scheme, but not a Windows drive letter ("C:\x", "C:/x"). */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const DRIVE = /^[a-z]:[\\/]/i;

/** The real path when it exists (symbolic links resolved), else the normalised one. */
function real(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function inside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Decides whether `location` (a trace's `loc.file`) may be opened, given the allowed folders. */
export function checkSourceLocation(location: string, allowedFolders: readonly string[]): SourceCheck {
  if (typeof location !== 'string' || location.length === 0 || location.length > 4096 || location.includes('\0')) return { ok: false, reason: 'notAFile' };
  let file = location;
  if (SCHEME.test(file) && !DRIVE.test(file)) {
    if (!/^file:\/\//i.test(file)) return { ok: false, reason: 'notAFile' };
    try {
      file = fileURLToPath(file);
    } catch {
      return { ok: false, reason: 'notAFile' };
    }
  }
  // UNC paths (\\server\share) would reach the network.
  if (!path.isAbsolute(file) || file.startsWith('\\\\') || file.startsWith('//')) return { ok: false, reason: 'notAFile' };
  const resolved = real(file);
  for (const folder of allowedFolders) if (folder && inside(resolved, real(folder))) return { ok: true, file: resolved };
  return { ok: false, reason: 'outside' };
}

/**
 * Trace text made safe to show in a notification: VS Code renders `[label](command:…)` in a
 * message as a link that runs the command, so brackets become look-alikes; control characters
 * (a newline, a bidi override) become spaces; long text is cut.
 */
export function plainText(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, ' ').replace(/\[/g, '\uff3b').replace(/\]/g, '\uff3d');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
