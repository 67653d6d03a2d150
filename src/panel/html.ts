// The viewer page the panel loads into its webview. Pure string building (no vscode import) so the
// webview tests load exactly this page into Chromium with a stand-in for acquireVsCodeApi.

export interface PageOptions {
  /** webview.cspSource (or the origin the test serves from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  cssUri: string;
  codiconCssUri: string;
  /** BCP-47 language for the page (vscode.env.language). */
  lang?: string;
  title?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A fresh 32-character nonce for the CSP; any source of randomness is fine (Math.random is not). */
export function makeNonce(randomBytes: (n: number) => Uint8Array): string {
  return Array.from(randomBytes(24), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 32);
}

export function viewerPageHtml(o: PageOptions): string {
  // default-src 'none': the page may load only our own script (by nonce), styles and the codicon
  // font from the webview's resource origin. No remote resource, no inline script or style.
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(o.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${escapeAttr(o.codiconCssUri)}">
<link rel="stylesheet" href="${escapeAttr(o.cssUri)}">
<title>${escapeAttr(o.title ?? 'Concurrency Lab trace')}</title>
</head>
<body>
<div id="root" class="app" data-ready="false"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
