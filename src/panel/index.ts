// The trace panel: one WebviewPanel (viewType concurrencyLab.trace) that shows the current trace.
// Lifecycle follows vscode-extension-samples' webview-sample (createOrShow / revive, disposables,
// CSP with a fresh nonce, assets only via asWebviewUri, localResourceRoots narrowed); what it shows
// lives in ViewerSession (no vscode), which the panel only connects to a webview.
import * as vscode from 'vscode';
import * as crypto from 'crypto';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { BUNDLES } from '../bundlePaths';
import { COMMANDS } from '../commands';
import { assertNever, parseFromWebview, parseViewerState, toWire, type FileEncoding, type FromWebview, type FromWebviewRequest, type ToWebview, type TraceSource } from '../protocol/messages';
import type { RunHandle } from '../runner/types';
import { makeNonce, viewerPageHtml } from './html';
import { ViewerSession } from './session';
import { checkSourceLocation, plainText } from './sourceAccess';
import { bytesForViewer, decodeViewerBytes, formatOf, PART_BYTES, readTraceBytes, readTraceFile, TraceFileError, viewerParts, writeTraceFile, type TraceFile, type TraceFileFormat } from './traceFiles';
import type { RunActions, TraceViewer } from './viewer';

export const VIEW_TYPE = 'concurrencyLab.trace';

/** Where the last finished run is kept so a window reload can show it again. */
const LAST_RUN_FILE = 'last-run.jsonl';
/** Larger files reach the webview as events in chunks (one message of hundreds of MB would stall the channel). */
const FILE_BYTES_MAX = 64 * 1024 * 1024;

/** Files from this size on reach the webview deflated (level 1: ~50 ms for 18 MB of .jsonl, a ninth of the bytes). */
const DEFLATE_FROM = 1024 * 1024;

/** The bytes as a Uint8Array of their own: a small Buffer is a view into a shared pool, all of which VS Code would send. */
const ownBytes = (b: Buffer): Uint8Array => (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : Uint8Array.from(b));

/** A file's bytes as the webview is sent them: deflated (zlib's thread pool, not this thread) when big. */
async function fileForWebview(bytes: Buffer): Promise<{ bytes: Uint8Array; encoding?: FileEncoding }> {
  if (bytes.byteLength < DEFLATE_FROM) return { bytes: ownBytes(bytes) };
  const deflated = await promisify(zlib.deflateRaw)(bytes, { level: 1 });
  return { bytes: ownBytes(deflated), encoding: 'deflate-raw' };
}

class TracePanel implements TraceViewer {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly session: ViewerSession;

  private pendingSave: Promise<void> = Promise.resolve();
  /** The trace file whose source locations the user agreed to open (asked once per trace). */
  private sourceAllowedFor: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.session = new ViewerSession({ post: (m) => this.post(m) });
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Concurrency Lab Trace'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions());
    this.adopt(panel);
    this.updateTitle();
  }

  attachRun(handle: RunHandle, actions?: RunActions): void {
    const file = handle.header.file;
    this.session.attach(handle, file ? path.basename(file) : vscode.l10n.t('Run'), actions?.rerun);
    this.updateTitle();
    // Tracked so deactivate (a window reload) can wait for the save the restored panel reads.
    this.pendingSave = handle.done.then(
      (result) => this.saveLastRun(result.header, result.events),
      () => undefined,
    );
  }

  /** Resolves once the last finished run is saved for restoring after a reload. */
  flush(): Promise<void> {
    return this.pendingSave;
  }

  shownPids(): number[] {
    return this.session.pids();
  }

  /** Restores a panel VS Code kept across a reload (WebviewPanelSerializer). */
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parseViewerState(state);
    this.adopt(panel);
    if (saved) await this.restoreSource(saved.source);
  }

  async openFile(uri: vscode.Uri): Promise<void> {
    const read = await readTraceBytes(uri.fsPath);
    const title = path.basename(uri.fsPath);
    const source: TraceSource = { kind: 'file', path: uri.fsPath };
    // The file's bytes are decoded by the webview itself (in its own process, while this one
    // decodes them for Export and the warnings below) instead of waiting for this host to parse,
    // pack and stringify every event; big files go deflated (FileMessage.encoding: 100k events,
    // 18 MB of .jsonl reached a remote window's webview in ~1 s as is, ~0.25 s deflated). A
    // Chrome .json goes as the native .jsonl cut out of it (bytesForViewer; bench/RESULTS.md).
    // A big Chrome .json goes in parts, each sent as soon as the scan has cut it out (sendParts); a
    // .jsonl goes whole (in parts it measured no faster: bench/RESULTS.md). Files past
    // FILE_BYTES_MAX go as events in chunks.
    const canSend = read.bytes.byteLength <= FILE_BYTES_MAX && this.session.canTakeFile();
    let sent: ReturnType<typeof bytesForViewer>;
    let delivery: unknown;
    if (canSend && read.format === 'chrome' && read.bytes.byteLength > 4 * PART_BYTES) {
      ({ sent, delivery } = await this.sendParts(title, source, read));
    } else {
      sent = bytesForViewer(read.format, read.bytes);
      const { format, bytes } = sent;
      delivery = canSend ? this.session.sendFile({ title, source, format, ...(await fileForWebview(bytes)) }) : undefined;
    }
    // Decoding blocks this thread: let the bytes leave first.
    if (delivery !== undefined) await Promise.resolve(delivery).catch(() => undefined);
    let trace: TraceFile;
    try {
      trace = decodeViewerBytes(uri.fsPath, sent, read.bytes);
    } catch (e) {
      if (delivery !== undefined) this.session.fileFailed();
      throw e;
    }
    if (trace.malformed > 0) {
      void vscode.window.showWarningMessage(
        trace.firstMalformedLine
          ? vscode.l10n.t('{0}: skipped {1} malformed lines (the first is line {2}).', title, trace.malformed, trace.firstMalformedLine)
          : vscode.l10n.t('{0}: skipped {1} malformed lines.', title, trace.malformed),
      );
    }
    this.session.load({ title, header: trace.header, source, events: trace.events }, delivery !== undefined);
    this.updateTitle();
    await this.show();
  }

  /**
   * Sends a big file in parts (viewerParts, FileMessage.part), each posted as soon as it is made
   * (deflated in zlib's thread pool while this thread makes the next), so the webview decodes a
   * part while the next is scanned, deflated and on its way instead of after the whole file
   * (bench/RESULTS.md). Returns what the host decodes (the same bytes) and the last delivery.
   */
  private async sendParts(title: string, source: TraceSource, read: { format: TraceFileFormat; bytes: Buffer }): Promise<{ sent: ReturnType<typeof bytesForViewer>; delivery: unknown }> {
    const parts = viewerParts(read.format, read.bytes);
    const made: Buffer[] = [];
    let delivery: unknown;
    let posting = true;
    for (let index = 0; ; index++) {
      const next = parts.next();
      if (next.done) {
        if (next.value === 'ok') break;
        // The Chrome scan was not sure: the file goes whole, as it is (a new file for the webview,
        // which drops the parts it had).
        delivery = this.session.sendFile({ title, source, format: 'chrome', ...(await fileForWebview(read.bytes)) });
        return { sent: { format: 'chrome', bytes: read.bytes, fromChrome: false }, delivery };
      }
      const { bytes, last } = next.value;
      made.push(bytes);
      if (!posting) continue;
      // Awaiting the deflate also lets the part posted before it leave.
      const file = { title, source, format: 'jsonl' as const, ...(await fileForWebview(bytes)), part: { index, last } };
      if (index === 0) {
        delivery = this.session.sendFile(file);
        posting = delivery !== undefined;
      } else {
        const posted = this.session.sendFilePart(file);
        posting = posted !== undefined;
        delivery = posted?.delivery;
      }
    }
    const sent = { format: 'jsonl' as const, bytes: made.length === 1 ? made[0]! : Buffer.concat(made), fromChrome: read.format === 'chrome' };
    return { sent, delivery: posting ? delivery : undefined };
  }

  async exportTo(uri: vscode.Uri): Promise<void> {
    const cur = this.session.current();
    if (cur.events.length === 0) throw new TraceFileError(vscode.l10n.t('There is no trace to export yet: run an example or open a trace first.'));
    await writeTraceFile(uri.fsPath, cur.header, cur.events);
  }

  hasTrace(): boolean {
    return this.session.current().events.length > 0;
  }

  dispose(): void {
    this.panel?.dispose();
    this.session.dispose();
  }

  /** The tab names what the panel shows: "Trace: pool.mjs". */
  private updateTitle(): void {
    if (!this.panel) return;
    const cur = this.session.current();
    this.panel.title = cur.source.kind === 'empty' ? vscode.l10n.t('Concurrency Lab Trace') : vscode.l10n.t('Trace: {0}', cur.title);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Only the webview bundle folder and media/ (the stylesheet) are readable by the page.
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, path.dirname(BUNDLES.webview)), vscode.Uri.joinPath(this.context.extensionUri, 'media')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.webviewOptions();
    const asUri = (rel: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, rel)).toString();
    panel.webview.html = viewerPageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: asUri(BUNDLES.webview),
      cssUri: asUri('media/panel.css'),
      codiconCssUri: asUri(BUNDLES.codiconCss),
      lang: vscode.env.language,
      title: vscode.l10n.t('Concurrency Lab Trace'),
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => {
        this.session.webviewGone();
        this.panel = undefined;
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  /** A message from the page. Anything that is not a known, well-formed message is dropped: the
   *  page renders strings from user programs and must not be able to make the host do anything else. */
  receive(raw: unknown): Promise<void> {
    sourceHooks.received?.(raw);
    const msg = parseFromWebview(raw);
    return msg ? this.handle(msg) : Promise.resolve();
  }

  private post(message: ToWebview): Thenable<boolean> | undefined {
    return this.panel?.webview.postMessage(toWire(message));
  }

  private async handle(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.session.webviewReady();
        return;
      case 'stop':
        await this.session.stop();
        return;
      case 'rerun':
        this.session.runAgain();
        return;
      case 'openSource':
        await this.openSource(msg.loc.file, msg.loc.line, msg.loc.column);
        return;
      case 'export':
      case 'openTrace':
        await this.request(msg);
        return;
      default:
        return assertNever(msg);
    }
  }

  /** Runs a request and always answers it, with the error's message when the handler fails. */
  private async request(msg: FromWebviewRequest): Promise<void> {
    try {
      let result: string | undefined;
      switch (msg.type) {
        case 'export':
          result = await vscode.commands.executeCommand<string | undefined>(COMMANDS.exportTrace, { format: msg.format });
          break;
        case 'openTrace':
          result = await vscode.commands.executeCommand<string | undefined>(COMMANDS.openTrace);
          break;
        default:
          assertNever(msg);
      }
      this.post({ type: 'reply', requestId: msg.requestId, ...(result ? { result } : {}) });
    } catch (e) {
      this.post({ type: 'reply', requestId: msg.requestId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Go to source. `file` comes from the trace, which may be any file from anywhere: only a plain
   * file inside the workspace or the trace's own folder opens (sourceAccess.ts), never a URI of
   * another scheme (a `command:` URI would run a command); for a trace opened from a file, only
   * after the user agreed (once per trace). A run's own trace is the user's code: no question.
   */
  private async openSource(file: string, line: number, column: number | undefined): Promise<void> {
    const cur = this.session.current();
    const traceFolder = cur.source.kind === 'file' ? path.dirname(cur.source.path) : cur.source.kind === 'run' && cur.source.file ? path.dirname(cur.source.file) : undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const check = checkSourceLocation(file, traceFolder ? [...folders, traceFolder] : folders);
    if (!check.ok) {
      const shown = plainText(file);
      void vscode.window.showWarningMessage(check.reason === 'outside' ? vscode.l10n.t('Go to source: {0} is outside the workspace and the trace\'s folder, so it was not opened.', shown) : vscode.l10n.t('Go to source: {0} is not a file path, so it was not opened.', shown));
      return;
    }
    if (cur.source.kind === 'file' && this.sourceAllowedFor !== cur.source.path) {
      if (!(await sourceHooks.confirm(check.file, line, path.basename(cur.source.path)))) return;
      this.sourceAllowedFor = cur.source.path;
    }
    const uri = vscode.Uri.file(check.file);
    const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
    try {
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preview: true });
    } catch {
      void vscode.window.showWarningMessage(vscode.l10n.t('Cannot open {0}.', plainText(uri.fsPath)));
    }
  }

  private async restoreSource(source: TraceSource): Promise<void> {
    try {
      if (source.kind === 'file') await this.openFile(vscode.Uri.file(source.path));
      else if (source.kind === 'run') {
        const last = vscode.Uri.joinPath(this.context.globalStorageUri, LAST_RUN_FILE);
        const trace = await readTraceFile(last.fsPath);
        this.session.load({ title: source.file ? path.basename(source.file) : vscode.l10n.t('Run'), header: trace.header, source, events: trace.events });
        this.updateTitle();
      }
    } catch {
      // The file may be gone since the reload; the panel then simply starts empty.
    }
  }

  private async saveLastRun(header: Parameters<typeof writeTraceFile>[1], events: Parameters<typeof writeTraceFile>[2]): Promise<void> {
    try {
      await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
      await writeTraceFile(vscode.Uri.joinPath(this.context.globalStorageUri, LAST_RUN_FILE).fsPath, header, events);
    } catch {
      // Restoring after reload is a convenience; a failed save must not disturb the run.
    }
  }
}

const traceFilters = () => ({ [vscode.l10n.t('Traces')]: ['jsonl', 'json'] });

function userMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Asks before Go to source opens a file named by a trace that was opened from a file. */
async function askToOpen(file: string, line: number, traceName: string): Promise<boolean> {
  const open = vscode.l10n.t('Open');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Open {0} at line {1}? The location comes from the trace file {2}.', plainText(file), line, plainText(traceName)), { modal: true }, open);
  return answer === open;
}

/** Seams for the in-host tests: the user's answer to "open this file?", and each raw message from the page. */
const sourceHooks: { confirm: (file: string, line: number, traceName: string) => Promise<boolean>; received?: (raw: unknown) => void } = { confirm: askToOpen };

/** What the in-host tests reach through the extension's exports (only when they run). */
export interface PanelTesting {
  /** As if the page posted `raw` (the same validation and handling). */
  receive(raw: unknown): Promise<void>;
  hooks: typeof sourceHooks;
}

export function panelTesting(viewer: TraceViewer): PanelTesting | undefined {
  return viewer instanceof TracePanel ? { receive: (raw) => viewer.receive(raw), hooks: sourceHooks } : undefined;
}

export function registerPanel(context: vscode.ExtensionContext): TraceViewer {
  const viewer = new TracePanel(context);
  context.subscriptions.push(
    { dispose: () => viewer.dispose() },
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => viewer.revive(panel, state),
    }),
    vscode.commands.registerCommand(COMMANDS.showTrace, () => viewer.show()),
    vscode.commands.registerCommand(COMMANDS.openTrace, async (arg?: unknown): Promise<string | undefined> => {
      // With a Uri (tests, other extensions) failures reject; from the palette or the panel's
      // button they are shown as one notification instead (VS Code would add a second one).
      const given = arg instanceof vscode.Uri ? arg : undefined;
      const uri = given ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: traceFilters(), openLabel: vscode.l10n.t('Open Trace') }))?.[0];
      if (!uri) return undefined;
      try {
        await viewer.openFile(uri);
        return uri.fsPath;
      } catch (e) {
        if (given) throw e;
        void vscode.window.showErrorMessage(userMessage(e));
        return undefined;
      }
    }),
    vscode.commands.registerCommand(COMMANDS.exportTrace, async (arg?: unknown): Promise<string | undefined> => {
      // Accepts a target Uri (failures reject), or nothing / { format } from the palette or the
      // panel's buttons (asks where to save; failures are shown as a notification).
      const given = arg instanceof vscode.Uri ? arg : undefined;
      const wanted = typeof arg === 'object' && arg !== null && 'format' in arg && (arg as { format: unknown }).format === 'chrome' ? 'chrome' : 'jsonl';
      const fail = (e: unknown): undefined => {
        if (given) throw e;
        void vscode.window.showErrorMessage(userMessage(e));
        return undefined;
      };
      if (!viewer.hasTrace()) return fail(new Error(vscode.l10n.t('There is no trace to export yet: run an example or open a trace first.')));
      let uri = given;
      if (!uri) {
        const filters = wanted === 'chrome' ? { [vscode.l10n.t('Chrome trace (Perfetto)')]: ['json'] } : { [vscode.l10n.t('Concurrency Lab trace')]: ['jsonl'] };
        uri = await vscode.window.showSaveDialog({ filters, saveLabel: vscode.l10n.t('Export Trace') });
        if (!uri) return undefined;
        if (!formatOf(uri.fsPath)) uri = uri.with({ path: uri.path + (wanted === 'chrome' ? '.json' : '.jsonl') });
      }
      try {
        await viewer.exportTo(uri);
      } catch (e) {
        return fail(e);
      }
      return uri.fsPath;
    }),
  );
  return viewer;
}
