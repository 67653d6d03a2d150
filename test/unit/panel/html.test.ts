// The panel page and the report: CSP, nonce, escaping — what keeps the webview from loading or
// running anything it should not.
import * as assert from 'assert';
import * as os from 'os';
import * as path from 'path';
import { makeNonce, viewerPageHtml } from '../../../src/panel/html';
import { ReportError, renderReportHtml, scriptSafeJson } from '../../../src/report';

describe('panel page and report HTML', () => {
  const page = viewerPageHtml({
    cspSource: 'https://webview.test',
    nonce: 'abc123',
    scriptUri: 'https://webview.test/dist/webview/main.js',
    cssUri: 'https://webview.test/media/panel.css',
    codiconCssUri: 'https://webview.test/dist/webview/codicon.css',
    lang: 'zh-cn',
    title: 'a "quoted" <title>',
  });

  it('allows only its own origin and its nonce-bearing script', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page)![1]!;
    assert.strictEqual(csp, "default-src 'none'; style-src https://webview.test; font-src https://webview.test; img-src https://webview.test; script-src 'nonce-abc123'");
    assert.deepStrictEqual(page.match(/<script[^>]*>/g), ['<script nonce="abc123" src="https://webview.test/dist/webview/main.js">']);
    assert.match(page, /<html lang="zh-cn">/);
    assert.match(page, /<title>a &quot;quoted&quot; &lt;title&gt;<\/title>/);
    assert.match(page, /<div id="root" class="app" data-ready="false"><\/div>/);
  });

  it('makes 32-character hex nonces from the random source', () => {
    const n = makeNonce((k) => Uint8Array.from({ length: k }, (_, i) => i * 7));
    assert.match(n, /^[0-9a-f]{32}$/);
    assert.notStrictEqual(makeNonce((k) => new Uint8Array(k).fill(1)), n);
  });

  it('embeds JSON that cannot end the script element', () => {
    const json = scriptSafeJson({ text: '</script><script>alert(1)</script><!--', sep: '\u2028' });
    // The HTML parser leaves a script element's text only at "</" or "<!": none may remain.
    assert.ok(!/<[/!]/i.test(json), json);
    assert.deepStrictEqual(JSON.parse(json), { text: '</script><script>alert(1)</script><!--', sep: '\u2028' });
  });

  it('says in one line when the viewer bundle is missing', () => {
    assert.throws(
      () => renderReportHtml({ title: 't', header: undefined, events: [], extensionRoot: path.join(os.tmpdir(), 'no-such-extension-root') }),
      (e: Error) => e instanceof ReportError && /^the viewer bundle is missing \(dist\/webview\/main\.js\); build it with `npm run build`$/.test(e.message),
    );
  });
});
