// The self-contained HTML report: one file holding the same viewer as the panel (the webview
// bundle, its stylesheet, the codicon font) and the trace itself, so it opens offline from file://
// with nothing else. Node + trace only (no vscode): the CLI calls it.

import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { BUNDLES } from '../bundlePaths';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { sortEvents } from '../trace/jsonl';
import { packEvents } from '../trace/packed';

export interface ReportOptions {
  title: string;
  header: TraceHeader | undefined;
  events: TraceEvent[];
  /** Folder holding dist/ and media/ (the extension or package root). */
  extensionRoot: string;
}

/** Id the viewer looks for (src/webview/host.ts EMBEDDED_TRACE_ID). */
const EMBEDDED_TRACE_ID = 'concurrency-lab-trace';

export class ReportError extends Error {}

function readAsset(root: string, rel: string): Buffer {
  try {
    return fs.readFileSync(path.join(root, rel));
  } catch {
    throw new ReportError(`the viewer bundle is missing (${rel}); build it with \`npm run build\``);
  }
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JSON that is safe inside a <script> element: no "</script", no "<!--". Inside a script element
 * the HTML parser leaves its text state only at "</" or "<!", so those are the only "<" to escape
 * (as \u003c, which JSON.parse reads back as "<"). A loop over indexOf rather than a global
 * replace: a hostile trace with millions of "<" would otherwise cost seconds (one match each).
 */
export function scriptSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  const parts: string[] = [];
  let last = 0;
  for (let i = json.indexOf('<'); i >= 0; i = json.indexOf('<', i + 1)) {
    const next = json.charCodeAt(i + 1);
    if (next === 0x2f /* / */ || next === 0x21 /* ! */) {
      parts.push(json.slice(last, i));
      last = i + 1;
    }
  }
  if (last === 0) return json;
  parts.push(json.slice(last));
  return parts.join('\\u003c');
}

export function renderReportHtml(o: ReportOptions): string {
  const js = readAsset(o.extensionRoot, BUNDLES.webview)
    .toString('utf8')
    // A source map cannot be fetched from a single file; drop the reference.
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    // Inside <script>, "<!--" followed by "<script" switches the HTML parser into a mode where
    // "</script>" no longer ends the element (lit's templates contain both). "\x3C" is "<" in every
    // place these can occur in JavaScript (strings, templates, regular expressions, comments).
    .replace(/<(!--|\/?script)/gi, '\\x3C$1');
  const css = readAsset(o.extensionRoot, 'media/panel.css').toString('utf8');
  const theme = readAsset(o.extensionRoot, 'media/standalone-theme.css').toString('utf8');
  const font = readAsset(o.extensionRoot, path.join(path.dirname(BUNDLES.codiconCss), 'codicon.ttf')).toString('base64');
  const codicons = readAsset(o.extensionRoot, BUNDLES.codiconCss)
    .toString('utf8')
    .replace(/url\(["']?\.?\/?codicon\.ttf[^)"']*["']?\)/g, `url("data:font/ttf;base64,${font}")`);
  const codiconHref = `data:text/css;base64,${Buffer.from(codicons).toString('base64')}`;
  const nonce = randomBytes(16).toString('hex');
  // Nothing leaves the file: scripts and styles only by nonce, fonts and the icon sheet as data: URLs.
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}' data:`, `font-src data:`, `img-src data:`].join('; ');
  // The trace in its packed form (src/trace/packed.ts), in time order: a fifth of the events' JSON,
  // which is what the browser's HTML parser and JSON.parse spend their time on when it opens.
  const data = scriptSafeJson({ title: o.title, header: o.header ?? null, packed: packEvents(sortEvents(o.events)) });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Concurrency Lab">
<title>${escapeHtml(o.title)}</title>
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${codiconHref}">
<style nonce="${nonce}">
${theme}
${css}
</style>
</head>
<body>
<div id="root" class="app" data-ready="false"></div>
<script type="application/json" id="${EMBEDDED_TRACE_ID}">${data}</script>
<script nonce="${nonce}">
${js}
</script>
</body>
</html>
`;
}
