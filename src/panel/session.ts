// What the panel shows, independent of the vscode API: the current trace, the live run feeding it,
// and the delivery of both to a webview that may not be listening yet. No vscode import, so this is
// unit-tested in plain mocha (test/unit/panel/session.test.ts).
//
// Delivery rules:
// - Ready handshake (as vscode-pull-request-github's webview.ts): nothing is posted until the webview
//   says `ready`; until then only the latest state matters, so a Reset replaces anything queued.
// - Live events are coalesced: a batch is flushed at most every `flushMs` (or when it is large), so a
//   run producing 100k events/s costs a few postMessage calls per second, each a delta.
// - Big traces are sent in chunks of EVENTS_PER_MESSAGE so no single message is huge; a loaded
//   (finished) trace's chunks go one per timer turn, so the webview works on one while the next is packed.

import type { RunHandle } from '../runner/types';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { EVENTS_PER_MESSAGE, type FileMessage, type RunStateInfo, type ToWebview, type TraceSource } from '../protocol/messages';

export interface SessionOptions {
  /** Posts a message; may return the delivery's promise (sendFile hands it to its caller). */
  post: (message: ToWebview) => unknown;
  /** Live batches are held at most this long before being sent (default 50 ms). */
  flushMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface LoadedTrace {
  title: string;
  header: TraceHeader | undefined;
  source: TraceSource;
  events: readonly TraceEvent[];
}

export class ViewerSession {
  private ready = false;
  private trace: LoadedTrace = { title: 'Concurrency Lab', header: undefined, source: { kind: 'empty' }, events: [] };
  /** Events of the current trace held by this session (a live run's array grows; we copy on add). */
  private events: TraceEvent[] = [];
  /** How many of `events` the webview has been sent. */
  private sent = 0;
  private run: RunStateInfo = { live: false, canRerun: false };
  private handle: RunHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private rerun: (() => void) | undefined;
  private timer: unknown;
  private resetPending = true;
  /** Bumped whenever what the webview shows may change (a reload, a load, a run): a file sent as bytes is adopted only if nothing came in between. */
  private epoch = 0;
  private fileEpoch = -1;
  private readonly flushMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: SessionOptions) {
    this.flushMs = opts.flushMs ?? 50;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** The webview (re)loaded its page: it has nothing, so everything is sent again. */
  webviewReady(): void {
    this.epoch++;
    this.ready = true;
    this.resetPending = true;
    this.flush();
  }

  /** The webview went away (panel hidden without retained context, or disposed). */
  webviewGone(): void {
    this.epoch++;
    this.ready = false;
  }

  /** Would sendFile send now (the webview is there to take the bytes)? */
  canTakeFile(): boolean {
    return this.ready;
  }

  /**
   * Sends an opened file's bytes for the webview to decode and show itself (FileMessage). Returns
   * what `post` returned (the panel's delivery promise), or undefined when the webview cannot take
   * them now; either way the caller then decodes the file too and calls `load(trace, true)`.
   */
  sendFile(file: Omit<FileMessage, 'type'>): unknown {
    if (!this.ready) return undefined;
    // The file replaces the view, as load() does: a live run stops streaming into it.
    this.detach();
    this.epoch++;
    this.fileEpoch = this.epoch;
    return this.opts.post({ type: 'file', ...file });
  }

  /**
   * The next part of the file sendFile began (FileMessage.part), posted only while the webview is
   * still the one that took the first part and nothing else was shown since. Returns what `post`
   * returned in `delivery`, or undefined when not posted (send no more parts: load() then sends the
   * events as usual).
   */
  sendFilePart(file: Omit<FileMessage, 'type'>): { delivery: unknown } | undefined {
    if (!this.ready || this.fileEpoch !== this.epoch) return undefined;
    return { delivery: this.opts.post({ type: 'file', ...file }) };
  }

  /** The file sent with sendFile did not decode (the webview kept its view): bring it back in step. */
  fileFailed(): void {
    this.fileEpoch = -1;
    this.resetPending = true;
    this.flush();
  }

  /**
   * Shows a finished trace (opened from a file or restored). Detaches any live run. `sentAsFile`:
   * the webview was sent this file's bytes (sendFile) and shows it already, unless it reloaded or
   * something else was shown since; then the events are sent as usual.
   */
  load(trace: LoadedTrace, sentAsFile = false): void {
    const shown = sentAsFile && this.ready && this.fileEpoch === this.epoch;
    this.detach();
    this.epoch++;
    this.fileEpoch = -1;
    this.trace = trace;
    this.events = [...trace.events];
    this.run = { live: false, canRerun: false };
    if (shown) {
      this.resetPending = false;
      this.sent = this.events.length;
      return;
    }
    this.resetPending = true;
    this.flush();
  }

  /** Streams a live run: its events so far now, the rest as they arrive. */
  attach(handle: RunHandle, title: string, rerun?: () => void): void {
    this.detach();
    this.epoch++;
    this.handle = handle;
    this.rerun = rerun;
    this.trace = { title, header: handle.header, source: { kind: 'run', ...(handle.header.file ? { file: handle.header.file } : {}) }, events: [] };
    this.events = [...handle.events];
    this.run = { live: true, canRerun: rerun !== undefined };
    this.resetPending = true;
    this.unsubscribe = handle.onEvents((batch) => {
      if (this.handle !== handle) return;
      for (const e of batch) this.events.push(e);
      this.schedule();
    });
    this.flush();
    handle.done.then(
      (result) => this.finished(handle, result.events),
      () => this.finished(handle, undefined),
    );
  }

  private finished(handle: RunHandle, all: readonly TraceEvent[] | undefined): void {
    if (this.handle !== handle) return;
    // The final result may hold events (run.end) that no batch carried; append what is missing.
    if (all && all.length > this.events.length) for (let i = this.events.length; i < all.length; i++) this.events.push(all[i]!);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.handle = undefined;
    this.run = { live: false, canRerun: this.rerun !== undefined };
    this.flushNow();
    if (this.ready) this.opts.post({ type: 'runState', run: this.run });
  }

  /** Stop button: ends the live run's whole tree. */
  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  /** "Run again" button. */
  runAgain(): boolean {
    if (!this.rerun) return false;
    this.rerun();
    return true;
  }

  get isLive(): boolean {
    return this.handle !== undefined;
  }

  current(): LoadedTrace {
    return { ...this.trace, events: this.events };
  }

  /** pids of every process the trace knows about so far, in order of first appearance. */
  pids(): number[] {
    const seen = new Set<number>();
    for (const e of this.events) if (e.kind !== 'run.end') seen.add(e.pid);
    return [...seen];
  }

  dispose(): void {
    this.detach();
    this.ready = false;
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.handle = undefined;
    this.rerun = undefined;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.ready) return;
    if (this.events.length - this.sent >= EVENTS_PER_MESSAGE) {
      this.flushNow();
      return;
    }
    if (this.timer === undefined) this.timer = this.setTimer(() => this.flushNow(), this.flushMs);
  }

  private flushNow(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private flush(): void {
    if (!this.ready) return;
    if (this.resetPending) {
      this.resetPending = false;
      const first = this.events.slice(0, EVENTS_PER_MESSAGE);
      this.opts.post({ type: 'reset', title: this.trace.title, header: this.trace.header, source: this.trace.source, run: this.run, total: this.events.length, events: first });
      this.sent = first.length;
      if (!this.run.live && this.sent < this.events.length) {
        // A finished trace's backlog goes one chunk per timer turn: the message just posted
        // leaves now, and the webview (another process) decodes it and builds its model while
        // this one packs the next chunk, instead of waiting for all of them (bench/RESULTS.md).
        this.paceBacklog();
        return;
      }
    }
    while (this.sent < this.events.length) this.postChunk();
  }

  private postChunk(): void {
    const chunk = this.events.slice(this.sent, this.sent + EVENTS_PER_MESSAGE);
    this.opts.post({ type: 'events', events: chunk });
    this.sent += chunk.length;
  }

  private paceBacklog(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      if (!this.ready || this.resetPending || this.sent >= this.events.length) return;
      this.postChunk();
      if (this.sent < this.events.length) this.paceBacklog();
    }, 0);
  }
}
