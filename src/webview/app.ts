// The viewer: wires the store, the process tree, the timeline canvas, replay, details and the
// toolbar together. Messages from the host only change data and schedule a frame; all drawing
// happens once per animation frame, so a flood of live events costs one redraw per frame.

import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { SourceLocation } from '../trace/events';
import { assertNever, parseToWebview, parseViewerState, type FileMessage, type RunStateInfo, type ToWebview, type TraceSource, type ViewerState } from '../protocol/messages';
import { decodeTraceText, JsonlPartsDecoder, type DecodedTrace } from '../trace/file';
import { inflateRaw } from './inflate';
import { AXIS_HEIGHT, ROW_HEIGHT } from './layout/geometry';
import { buildRows, laneIndex, rowKey, type Row } from './layout/lanes';
import { lastIndexAtOrBefore, stepCursor, advance } from './layout/replay';
import { clampView, fit, panBy, wheelZoomFactor, zoomAt, type Viewport } from './layout/scale';
import { formatDuration, formatOffset } from './layout/ticks';
import { readTheme, type Theme } from './render/theme';
import { TimelineRenderer, type FrameInput } from './render/timeline';
import type { Selection } from './selection';
import { TraceStore } from './store';
import { language, t, type StringKey } from './strings';
import { renderDetails } from './ui/details';
import { TreeView } from './ui/tree';
import { clampSplit, DEFAULT_SPLIT, makeHeightSplitter, makeSplitter } from './ui/splitter';
import { SearchBox } from './ui/search';
import { hitSpan, type SearchHit } from './search';
import { rowOf } from './layout/lanes';
import { waitsAt, type ObjectNames } from './layout/waits';
import { WaitForCursor, waitFor, type WaitForEntry } from './layout/waitfor';
import { WaitForView } from './ui/waitfor';
import { DeadlockBanner } from './ui/deadlock';
import { InsightsView } from './ui/insights';
import { computeInsights, insightLines, type InsightLine } from '../trace/insights';
import type { WaitSpan } from '../trace/model';
import type { TraceIndex } from './layout/spatial';
import { describeEvent, selectionEvents } from './describe';
import type { Host } from './host';

/** Under reduced motion, playback redraws this often instead of every frame. */
const REDUCED_MOTION_STEP_MS = 400;

/** While events stream in, the DOM parts (tree, summary, details) refresh at most this often. */
const LIVE_DOM_INTERVAL_MS = 150;

type ButtonId = 'stop' | 'rerun' | 'fit' | 'zoomIn' | 'zoomOut' | 'follow' | 'open' | 'exportJsonl' | 'exportChrome' | 'first' | 'prev' | 'play1' | 'play10' | 'next' | 'last';

interface ToolbarButton extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

export class App {
  private readonly store = new TraceStore();
  private readonly root: HTMLElement;
  private readonly tree: TreeView;
  private readonly renderer: TimelineRenderer;
  private readonly scroller: HTMLElement;
  private readonly main: HTMLElement;
  private readonly lanesCell: HTMLElement;
  private readonly lanesCanvas: HTMLCanvasElement;
  private readonly summaryEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private readonly detailsEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly replayLabel: HTMLElement;
  private readonly scrubber: HTMLInputElement;
  private readonly emptyEl: HTMLElement;
  private readonly buttons = new Map<ButtonId, ToolbarButton>();
  private readonly search: SearchBox;
  private readonly heightSplit: { el: HTMLElement; set(split: number): void };
  /** The timeline's share of the height it splits with the details (webview state). */
  private split = DEFAULT_SPLIT;
  private theme: Theme;

  private title = '';
  private source: TraceSource = { kind: 'empty' };
  private run: RunStateInfo = { live: false, canRerun: false };
  /** Events the host said the trace has; data-ready waits until they all arrived and were drawn. */
  private expected = 0;
  private ready = false;
  /** A trace (possibly empty) has been loaded; saved state applies only then. */
  private loaded = false;
  private view: Viewport = { t0: 0, t1: 1 };
  private userMoved = false;
  private follow = true;
  private selection: Selection | undefined;
  /** Replay cursor: index into the time-ordered events; undefined shows the whole run. */
  private cursor: number | undefined;
  /** Replay time (µs epoch) while playing, between events. */
  private playAt: number | undefined;
  private playSpeed = 0;
  private lastFrameTime = 0;
  private frameRequested = false;
  private rows: Row[] = [];
  private lanes = new Map<string, number>();
  private domVersion = -1;
  private domCursor: number | undefined = -1;
  private domSelection: Selection | undefined;
  private domAt = 0;
  private savedState: ViewerState | undefined;
  private nextRequestId = 1;
  private drag: { x: number; view: Viewport; moved: boolean } | undefined;
  private canvasH = -1;
  private readonly waitForView = new WaitForView();
  private readonly deadlockBanner = new DeadlockBanner();
  private readonly insightsView = new InsightsView();
  /** The insights section is expanded (webview state; it starts collapsed to one line). */
  private insightsOpen = false;
  /** The insights of the loaded trace, computed once per trace version when the run is over. */
  private insights: { version: number; lines: InsightLine[] } | undefined;
  /** computeInsightsAfterPaint() has a computation queued. */
  private insightsPending = false;
  /** Bumped by every message that replaces the trace: a file still inflating when another comes is dropped. */
  private loadSeq = 0;
  /** A file coming in parts (FileMessage.part): its decoder, the next part expected, the work queued on it. */
  private parts: { seq: number; next: number; decoder: JsonlPartsDecoder; utf8: TextDecoder; work: Promise<void> } | undefined;
  /** The wait-for graph (src/trace/waitfor.ts) at the moment shown, fed only while someone waits. */
  private readonly waitGraph = new WaitForCursor();

  constructor(
    mount: HTMLElement,
    private readonly host: Host,
  ) {
    this.root = mount;
    this.root.classList.add('app');
    this.root.dataset.ready = 'false';
    this.savedState = parseViewerState(host.getState());
    this.insightsOpen = this.savedState?.insightsOpen === true;

    const toolbar = el('div', 'toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Trace');
    const group = () => {
      const g = el('div', 'group');
      toolbar.appendChild(g);
      return g;
    };
    const g1 = group();
    if (host.connected) {
      this.addButton(g1, 'stop', 'debug-stop', 'stop', () => this.host.post({ type: 'stop' }));
      this.addButton(g1, 'rerun', 'debug-restart', 'rerun', () => this.host.post({ type: 'rerun' }));
    }
    const g2 = group();
    this.addButton(g2, 'fit', 'screen-normal', 'fit', () => this.fitView());
    this.addButton(g2, 'zoomIn', 'zoom-in', 'zoomIn', () => this.zoomBy(1.6));
    this.addButton(g2, 'zoomOut', 'zoom-out', 'zoomOut', () => this.zoomBy(1 / 1.6));
    const follow = this.addButton(g2, 'follow', 'pinned', 'follow', () => {
      this.follow = follow.checked;
      if (this.follow) this.userMoved = false;
      this.requestFrame();
    });
    follow.setAttribute('toggleable', '');
    follow.checked = true;
    if (host.connected) {
      const g3 = group();
      this.addButton(g3, 'open', 'folder-opened', 'open', () => this.host.post({ type: 'openTrace', requestId: this.nextRequestId++ }));
      this.addButton(g3, 'exportJsonl', 'save', 'exportJsonl', () => this.host.post({ type: 'export', requestId: this.nextRequestId++, format: 'jsonl' }));
      this.addButton(g3, 'exportChrome', 'export', 'exportChrome', () => this.host.post({ type: 'export', requestId: this.nextRequestId++, format: 'chrome' }));
    }
    this.search = new SearchBox({ model: () => this.store.model, origin: () => this.store.origin, choose: (h) => this.reveal(h) });
    toolbar.appendChild(this.search.input);
    this.titleEl = el('span', 'title');
    toolbar.appendChild(this.titleEl);

    this.noticeEl = el('div', 'notice');
    this.noticeEl.setAttribute('role', 'alert');
    this.noticeEl.hidden = true;
    this.summaryEl = el('div', 'summary');
    this.summaryEl.dataset.testid = 'summary';
    this.summaryEl.setAttribute('role', 'status');

    // Tree and lanes share one vertical scroller so rows and lanes always line up; the header
    // (column titles, time axis) and the lanes canvas are sticky inside it.
    this.scroller = el('div', 'scroller');
    const grid = el('div', 'grid');
    const treeHeader = el('div', 'tree-header');
    treeHeader.setAttribute('aria-hidden', 'true');
    for (const [cls, key] of [
      ['name', 'colName'],
      ['pid', 'colPid'],
      ['ppid', 'colPpid'],
      ['state', 'colState'],
      ['start', 'colStart'],
      ['dur', 'colDuration'],
    ] as const) {
      const c = el('span', `cell ${cls}`);
      // The title in a span of its own: the cell has the rows' font size (its width is in their ch), the title the header's.
      const title = el('span', 'title');
      title.textContent = t(key);
      c.appendChild(title);
      treeHeader.appendChild(c);
    }
    const axisCell = el('div', 'axis-cell');
    const axisCanvas = el('canvas', 'axis');
    axisCanvas.setAttribute('aria-hidden', 'true');
    axisCell.appendChild(axisCanvas);
    const treeEl = el('div', 'tree');
    this.lanesCell = el('div', 'lanes-cell');
    this.lanesCanvas = el('canvas', 'lanes');
    this.lanesCanvas.tabIndex = 0;
    this.lanesCanvas.setAttribute('role', 'application');
    this.lanesCanvas.setAttribute('aria-roledescription', 'timeline');
    this.lanesCanvas.setAttribute('aria-label', t('timeline'));
    this.lanesCell.appendChild(this.lanesCanvas);
    grid.append(treeHeader, axisCell, treeEl, this.lanesCell);
    this.scroller.appendChild(grid);
    this.main = el('div', 'main');
    this.main.append(this.scroller, makeSplitter(this.root, () => this.requestFrame()));
    this.emptyEl = el('p', 'empty');
    this.emptyEl.textContent = t('noTrace');

    const replay = el('div', 'replay');
    replay.setAttribute('role', 'group');
    replay.setAttribute('aria-label', t('scrubber'));
    this.addButton(replay, 'first', 'debug-reverse-continue', 'first', () => this.setCursor(0));
    this.addButton(replay, 'prev', 'chevron-left', 'prev', () => this.setCursor(stepCursor(this.cursor, -1, this.store.count)));
    this.addButton(replay, 'play1', 'play', 'play1', () => this.togglePlay(1));
    this.addButton(replay, 'play10', 'run-all', 'play10', () => this.togglePlay(10));
    this.addButton(replay, 'next', 'chevron-right', 'next', () => this.setCursor(stepCursor(this.cursor, 1, this.store.count)));
    this.addButton(replay, 'last', 'debug-continue', 'last', () => this.setCursor(undefined));
    this.scrubber = el('input', 'scrubber');
    this.scrubber.type = 'range';
    this.scrubber.min = '0';
    this.scrubber.max = '0';
    this.scrubber.setAttribute('aria-label', t('scrubber'));
    this.scrubber.addEventListener('input', () => {
      this.stopPlay();
      const i = Number(this.scrubber.value);
      this.setCursor(i >= this.store.count - 1 ? undefined : i);
    });
    this.replayLabel = el('span', 'replay-label');
    this.replayLabel.setAttribute('aria-live', 'polite');
    replay.append(this.scrubber, this.replayLabel);

    this.detailsEl = el('div', 'details');
    this.detailsEl.setAttribute('role', 'region');
    this.detailsEl.setAttribute('aria-label', t('details'));

    this.heightSplit = makeHeightSplitter(this.root, this.main, this.detailsEl, (split) => {
      this.split = split;
      this.saveState();
      this.requestFrame();
    });
    if (this.savedState?.split !== undefined) {
      this.split = clampSplit(this.savedState.split);
      this.heightSplit.set(this.split);
    }

    this.root.append(toolbar, this.search.results, this.summaryEl, this.noticeEl, this.deadlockBanner.el, this.insightsView.el, this.waitForView.el, this.main, this.emptyEl, replay, this.heightSplit.el, this.detailsEl);

    this.tree = new TreeView(treeEl, { select: (pid, tid) => this.select({ kind: 'process', pid, ...(tid !== undefined ? { tid } : {}) }) }, this.scroller);
    this.renderer = new TimelineRenderer(this.lanesCanvas, axisCanvas);
    this.theme = readTheme();

    this.installInput();
    new ResizeObserver(() => this.requestFrame()).observe(this.scroller);
    this.scroller.addEventListener('scroll', () => this.requestFrame(), { passive: true });
    // VS Code switches themes by changing the body's class; the report follows the OS scheme.
    new MutationObserver(() => {
      this.theme = readTheme();
      this.requestFrame();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.theme = readTheme();
      this.requestFrame();
    });
    this.requestFrame();
  }

  private reducedMotion(): boolean {
    return document.body.classList.contains('vscode-reduce-motion') || matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  private addButton(parent: HTMLElement, id: ButtonId, icon: string, label: StringKey, onClick: () => void): ToolbarButton {
    const b = document.createElement('vscode-toolbar-button') as unknown as ToolbarButton;
    b.setAttribute('icon', icon);
    b.setAttribute('label', t(label));
    b.setAttribute('title', t(label));
    b.dataset.action = id;
    b.addEventListener('click', () => {
      if (!b.hasAttribute('disabled')) onClick();
    });
    parent.appendChild(b);
    this.buttons.set(id, b);
    return b;
  }

  /** Appends already-validated events (the report's embedded trace). */
  addEvents(events: readonly import('../trace/events').TraceEvent[]): void {
    this.store.add(events);
    this.requestFrame();
  }

  // ---- messages from the host ------------------------------------------------------------

  receive(raw: unknown): void {
    const msg = parseToWebview(raw);
    if (msg) this.handle(msg);
  }

  private handle(msg: ToWebview): void {
    switch (msg.type) {
      case 'reset':
        this.loadSeq++;
        this.load(msg.title, msg.header, msg.source, msg.run, msg.total);
        this.store.add(msg.events);
        this.requestFrame();
        return;
      case 'events':
        this.store.add(msg.events);
        this.requestFrame();
        return;
      case 'file':
        this.openFileBytes(msg);
        return;
      case 'runState':
        this.run = msg.run;
        this.requestFrame(true);
        return;
      case 'reply':
        // Failed requests (export, open) are shown until the next request.
        this.noticeEl.textContent = msg.error ?? '';
        this.noticeEl.hidden = !msg.error;
        return;
      default:
        assertNever(msg);
    }
  }

  /**
   * An opened file's bytes: decoded and validated here with the host's decoder, then shown as a
   * reset with every event would be (inflated first when the panel deflated them). A file that
   * does not decode leaves the view as it was (the host reports why, and brings the view back in
   * step). User Timing marks (cl:…) let the benchmarks split the time (bench/webview-host.mjs).
   */
  private openFileBytes(msg: FileMessage): void {
    if (msg.part && msg.part.index > 0) {
      this.filePart(msg);
      return;
    }
    performance.mark('cl:file-received');
    const seq = ++this.loadSeq;
    this.parts = undefined;
    if (msg.part) {
      this.parts = { seq, next: 0, decoder: new JsonlPartsDecoder(), utf8: new TextDecoder(), work: Promise.resolve() };
      this.filePart(msg);
      return;
    }
    if (msg.encoding !== 'deflate-raw') {
      this.showFile(msg, msg.bytes);
      return;
    }
    inflateRaw(msg.bytes).then(
      (bytes) => {
        // Something else was shown meanwhile: this file is no longer wanted.
        if (seq !== this.loadSeq) return;
        performance.mark('cl:file-inflated');
        this.showFile(msg, bytes);
      },
      // Bytes that do not inflate leave the view as it was, as a file that does not decode does.
      () => undefined,
    );
  }

  /**
   * One part of a file that comes in parts: decoded (inflated first) after the parts before it,
   * while the next ones are on their way; the last shows the file. A part out of order, or of a
   * file no longer wanted, is dropped; a part that does not inflate drops the file (the view stays
   * as it was, as for a file that does not decode).
   */
  private filePart(msg: FileMessage): void {
    const p = this.parts;
    const part = msg.part!;
    if (!p || p.seq !== this.loadSeq || part.index !== p.next) {
      this.parts = undefined;
      return;
    }
    p.next++;
    if (part.last) performance.mark('cl:file-last-received');
    const wanted = () => this.parts === p && p.seq === this.loadSeq;
    p.work = p.work.then(async () => {
      if (!wanted()) return;
      const bytes = msg.encoding === 'deflate-raw' ? await inflateRaw(msg.bytes) : msg.bytes;
      if (!wanted()) return;
      if (part.last) performance.mark('cl:file-inflated');
      p.decoder.push(p.utf8.decode(bytes, { stream: !part.last }));
      if (!part.last) return;
      this.parts = undefined;
      let trace: DecodedTrace;
      try {
        trace = p.decoder.finish();
      } catch {
        return;
      }
      this.showDecoded(msg, trace);
    }).catch(() => {
      if (this.parts === p) this.parts = undefined;
    });
  }

  private showFile(msg: FileMessage, bytes: Uint8Array): void {
    let trace: DecodedTrace;
    try {
      trace = decodeTraceText(msg.format, new TextDecoder().decode(bytes));
    } catch {
      return;
    }
    this.showDecoded(msg, trace);
  }

  private showDecoded(msg: FileMessage, trace: DecodedTrace): void {
    performance.mark('cl:file-decoded');
    this.load(msg.title, trace.header, msg.source, { live: false, canRerun: false }, trace.events.length);
    this.store.add(trace.events);
    performance.mark('cl:model-built');
    this.requestFrame();
  }

  /** Starts a new trace (from the host, or the report's embedded one). */
  load(title: string, header: Parameters<TraceStore['reset']>[0], source: TraceSource, run: RunStateInfo, total: number): void {
    this.stopPlay();
    this.loaded = true;
    // A new trace is not drawn yet: readiness is signalled again after its first complete frame.
    this.ready = false;
    this.root.dataset.ready = 'false';
    document.documentElement.dataset.ready = 'false';
    this.store.reset(header);
    this.title = title;
    this.source = source;
    this.run = run;
    this.expected = total;
    this.selection = undefined;
    this.cursor = undefined;
    this.userMoved = false;
    this.follow = true;
    this.buttons.get('follow')!.checked = true;
    // A reload of the same trace restores where the user was.
    const saved = this.savedState;
    if (saved && sameSource(saved.source, source)) {
      if (saved.view) {
        this.view = saved.view;
        this.userMoved = true;
      }
      this.savedState = saved;
    } else this.savedState = undefined;
    this.domVersion = -1;
    this.saveState();
  }

  // ---- the frame -------------------------------------------------------------------------

  private requestFrame(forceDom = false): void {
    if (forceDom) this.domVersion = -1;
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((time) => this.frame(time));
  }

  private frame(time: number): void {
    const started = performance.now();
    this.frameRequested = false;
    // Long gaps (a hidden page, a slow frame) must not make playback jump; reduced-motion playback
    // advances in deliberate steps, so its gaps are expected.
    const dt = this.lastFrameTime ? Math.min(this.reducedMotion() ? 1000 : 100, time - this.lastFrameTime) : 0;
    this.lastFrameTime = time;
    const store = this.store;
    const events = store.sorted();
    const receivedAll = store.count >= this.expected;

    if (this.savedState && this.loaded && receivedAll) this.applySavedSelection();

    if (this.playSpeed > 0) this.stepPlay(dt, events);
    const at = this.cursor !== undefined ? (this.playAt ?? events[this.cursor]?.ts) : undefined;

    const liveStreaming = this.run.live || !receivedAll;
    const domDue = this.domVersion !== store.version || this.domCursor !== this.cursor || this.domSelection !== this.selection || this.playSpeed > 0;
    // A live run's DOM is refreshed a few times a second, but a click is answered at once: the
    // throttle skipped a new selection and, with no event after it, no later frame showed it.
    if (domDue && (!liveStreaming || time - this.domAt >= LIVE_DOM_INTERVAL_MS || this.domVersion === -1 || this.domSelection !== this.selection)) {
      this.rows = buildRows(store.model.tree(), at);
      this.lanes = laneIndex(this.rows);
      const selectedProcess = this.selection?.kind === 'process' ? this.selection : undefined;
      const names = this.index(time).names;
      const waiting = waitsAt(store.model, at);
      this.tree.update(this.rows, at, store.origin, store.model.lastTs, selectedProcess, { names, waiting });
      this.updateWaitFor(names, waiting, at);
      this.updateDeadlock(at);
      this.updateInsights(receivedAll);
      this.lanesCell.style.height = `${this.rows.length * ROW_HEIGHT}px`;
      this.updateChrome(events.length);
      if (this.domSelection !== this.selection || this.domVersion !== store.version || this.domCursor !== this.cursor || this.playSpeed > 0) {
        renderDetails(this.detailsEl, this.selection, {
          model: store.model,
          events,
          origin: store.origin,
          at,
          now: store.model.lastTs,
          select: (s) => this.select(s),
          openSource: this.host.connected ? (loc: SourceLocation) => this.host.post({ type: 'openSource', loc }) : undefined,
          names,
          waiting,
        });
      }
      this.domVersion = store.version;
      this.domCursor = this.cursor;
      this.domSelection = this.selection;
      this.domAt = time;
    }

    // Canvas height: what the scroller shows below the sticky axis.
    // Written only when it changes: a style write per frame would make the next read of a size
    // (this one, the renderer's) lay the page out again, every frame.
    const visibleH = Math.max(ROW_HEIGHT, this.scroller.clientHeight - AXIS_HEIGHT);
    if (visibleH !== this.canvasH) {
      this.canvasH = visibleH;
      this.lanesCanvas.style.height = `${visibleH}px`;
      this.lanesCell.style.minHeight = `${visibleH}px`;
    }
    this.tree.viewport(this.scroller.scrollTop, visibleH);

    const extent = this.extent();
    if (!this.userMoved || (this.follow && this.run.live)) this.view = fit(0, store.duration);
    else this.view = clampView(this.view, extent);

    const frame = this.frameInput(at, time);
    this.renderer.draw(frame);

    if (!this.ready && this.loaded && receivedAll && this.domVersion === store.version) {
      this.ready = true;
      performance.mark('cl:ready');
      // The stable readiness signal tests and benchmarks wait for (conventions.md).
      this.root.dataset.ready = 'true';
      document.documentElement.dataset.ready = 'true';
      this.search.refresh();
    }
    if (this.playSpeed > 0 && this.reducedMotion()) {
      // No smooth motion: show the run a few times a second instead of every frame.
      setTimeout(() => this.requestFrame(), REDUCED_MOTION_STEP_MS);
    } else if (store.indexStale() || this.playSpeed > 0 || this.domVersion !== store.version) this.requestFrame();
    // bench/webview.mjs measures frame cost by providing this array; otherwise nothing is kept.
    (globalThis as { __concurrencyLabFrames?: number[] }).__concurrencyLabFrames?.push(performance.now() - started);
  }

  private frameInput(at: number | undefined, time: number): FrameInput {
    return {
      rows: this.rows,
      lanes: this.lanes,
      // A finished trace gets an exact index at once; while events still stream in (a live run,
      // or the chunks of a big file) the index is refreshed only as often as it is cheap to.
      index: this.index(time),
      origin: this.store.origin,
      view: this.view,
      scrollTop: this.scroller.scrollTop,
      at,
      now: this.store.model.lastTs,
      selection: this.selection,
      theme: this.theme,
    };
  }

  /** Who waits for whom at the shown time (hidden while nobody waits). */
  private updateWaitFor(names: ObjectNames, waiting: ReadonlyMap<string, WaitSpan>, at: number | undefined): void {
    const store = this.store;
    let entries: WaitForEntry[] = [];
    if (waiting.size > 0) {
      entries = waitFor(store.model, names, this.waitGraph.at(store.sorted(), at), at, this.rows.map(rowKey), waiting);
    }
    this.waitForView.update({ entries, at: at ?? store.model.lastTs, origin: store.origin, replay: at !== undefined, select: (s) => this.select(s) });
  }

  /** The runner's deadlock report, from its moment on (a replay before it shows none). */
  private updateDeadlock(at: number | undefined): void {
    const list = this.store.model.deadlocks;
    const d = list.length ? list[list.length - 1] : undefined;
    this.deadlockBanner.update({
      deadlock: d && (at === undefined || d.ts <= at) ? d : undefined,
      live: this.run.live,
      openSource: this.host.connected ? (loc: SourceLocation) => this.host.post({ type: 'openSource', loc }) : undefined,
      stop: this.host.connected ? () => this.host.post({ type: 'stop' }) : undefined,
      selectProcess: (pid, tid) => this.select({ kind: 'process', pid, ...(tid ? { tid } : {}) }),
    });
  }

  /**
   * The run in plain language (src/trace/insights.ts, the CLI's --insights text) once the whole
   * trace is here: at the end of a live run, and when a trace is opened or restored. The same for
   * every replay position: they describe the whole run.
   */
  private updateInsights(receivedAll: boolean): void {
    const store = this.store;
    let lines: InsightLine[] | undefined;
    if (!this.run.live && receivedAll && store.model.processes.size > 0) {
      if (this.insights?.version === store.version) lines = this.insights.lines;
      else this.computeInsightsAfterPaint(store.version);
    }
    this.insightsView.update({
      lines,
      open: this.insightsOpen,
      toggle: (open) => {
        this.insightsOpen = open;
        this.saveState();
        this.requestFrame();
      },
      selectProcess: (pid, tid) => this.select({ kind: 'process', pid, ...(tid ? { tid } : {}) }),
      openSource: this.host.connected ? (loc: SourceLocation) => this.host.post({ type: 'openSource', loc }) : undefined,
    });
  }

  /**
   * Insights take a pass over the whole run (about 1.2 s for 1M events at load 8): they come just
   * after the frame that shows the trace, not before it, so opening a big trace is not slower by
   * them. The frame that follows shows them (a forced DOM refresh: nothing else changed).
   */
  private computeInsightsAfterPaint(version: number): void {
    if (this.insightsPending) return;
    this.insightsPending = true;
    // After the next animation frame's paint: a timer queued from inside it runs once it is painted.
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.insightsPending = false;
        const store = this.store;
        if (store.version === version && !this.run.live) this.insights = { version, lines: insightLines(computeInsights(store.model, store.header?.cpus), language()) };
        this.requestFrame(true);
      }, 0),
    );
  }

  private index(time: number): TraceIndex {
    return this.store.getIndex(time, !this.run.live && this.store.count >= this.expected);
  }

  private extent(): Viewport {
    const full = fit(0, this.store.duration, 0.1);
    return { t0: full.t0, t1: full.t1 };
  }

  private updateChrome(count: number): void {
    const store = this.store;
    const s = store.model.summary();
    const parts = [t('summaryProcesses', s.processes), t('summaryTasks', s.tasks), t('summaryMessages', s.messages), formatDuration(s.duration)];
    if (this.run.live) parts.push(t('summaryLive'));
    else if (s.reason === 'timeout') parts.push(t('summaryTimeout'));
    else if (s.reason === 'stopped') parts.push(t('summaryStopped'));
    if (!this.run.live && s.signal) parts.push(t('summaryKilled', s.signal));
    else if (!this.run.live && s.exitCode !== null) parts.push(t('summaryExit', s.exitCode));
    if (store.model.errors.length) parts.push(t('summaryErrors', store.model.errors.length));
    if (store.count < this.expected) parts.push(t('loading', store.count, this.expected));
    this.summaryEl.textContent = parts.join(' · ');
    this.summaryEl.classList.toggle('failed', store.model.errors.length > 0 || (!this.run.live && ((s.exitCode !== null && s.exitCode !== 0) || s.signal !== null)));
    this.titleEl.textContent = this.title;
    this.root.classList.toggle('is-empty', count === 0);
    this.root.classList.toggle('is-live', this.run.live);

    this.setDisabled('stop', !this.run.live);
    this.setDisabled('follow', !this.run.live);
    // Following only means something while a run is live; a finished trace shows it off.
    this.buttons.get('follow')!.checked = this.follow && this.run.live;
    this.setDisabled('rerun', !this.run.canRerun || this.run.live);
    this.setDisabled('exportJsonl', count === 0);
    this.setDisabled('exportChrome', count === 0);
    for (const id of ['first', 'prev', 'next', 'last', 'play1', 'play10'] as const) this.setDisabled(id, count === 0);
    this.buttons.get('play1')!.setAttribute('icon', this.playSpeed === 1 ? 'debug-pause' : 'play');
    this.buttons.get('play1')!.setAttribute('label', this.playSpeed === 1 ? t('pause') : t('play1'));
    this.buttons.get('play10')!.setAttribute('icon', this.playSpeed === 10 ? 'debug-pause' : 'run-all');
    this.buttons.get('play10')!.setAttribute('label', this.playSpeed === 10 ? t('pause') : t('play10'));

    this.scrubber.max = String(Math.max(0, count - 1));
    this.scrubber.value = String(this.cursor ?? Math.max(0, count - 1));
    this.scrubber.disabled = count === 0;
    if (this.cursor === undefined || count === 0) this.replayLabel.textContent = t('replayAll');
    else {
      const e = store.sorted()[this.cursor]!;
      this.replayLabel.textContent = `${t('replayAt', this.cursor + 1, count, formatOffset(e.ts - store.origin))} — ${describeEvent(e)}`;
    }
    this.scrubber.setAttribute('aria-valuetext', this.replayLabel.textContent);
  }

  private setDisabled(id: ButtonId, disabled: boolean): void {
    const b = this.buttons.get(id);
    if (!b) return;
    if (disabled) {
      b.setAttribute('disabled', '');
      b.setAttribute('aria-disabled', 'true');
    } else {
      b.removeAttribute('disabled');
      b.removeAttribute('aria-disabled');
    }
    // vscode-toolbar-button has no disabled state of its own: disable the button inside it, so a
    // disabled control leaves the tab order and screen readers announce it as unavailable.
    const apply = () => {
      const inner = b.shadowRoot?.querySelector('button');
      if (inner) inner.disabled = disabled;
      return inner;
    };
    if (!apply()) void (b as ToolbarButton & { updateComplete?: Promise<unknown> }).updateComplete?.then(apply);
  }

  // ---- replay ----------------------------------------------------------------------------

  private setCursor(i: number | undefined): void {
    this.playAt = undefined;
    if (i !== undefined && (this.store.count === 0 || i >= this.store.count)) i = undefined;
    this.cursor = i;
    this.saveState();
    this.requestFrame();
  }

  private togglePlay(speed: number): void {
    if (this.playSpeed === speed) {
      this.stopPlay();
      this.requestFrame(true);
      return;
    }
    const events = this.store.sorted();
    if (events.length === 0) return;
    if (this.cursor === undefined || this.cursor >= events.length - 1) this.cursor = 0;
    this.playAt = events[this.cursor]!.ts;
    this.playSpeed = speed;
    this.lastFrameTime = 0;
    this.requestFrame(true);
  }

  private stopPlay(): void {
    this.playSpeed = 0;
    this.playAt = undefined;
  }

  private stepPlay(dtMs: number, events: readonly import('../trace/events').TraceEvent[]): void {
    if (this.playAt === undefined || events.length === 0) return this.stopPlay();
    this.playAt = advance(this.playAt, dtMs, this.playSpeed);
    const i = lastIndexAtOrBefore((k) => events[k]!.ts, events.length, this.playAt);
    this.cursor = Math.max(0, i);
    if (i >= events.length - 1) {
      // Reached the end: stay on the last event so the learner sees the final state.
      this.cursor = events.length - 1;
      this.stopPlay();
      this.domVersion = -1;
    }
  }

  // ---- selection -------------------------------------------------------------------------

  private select(s: Selection | undefined): void {
    this.selection = s;
    this.saveState();
    this.requestFrame();
  }

  private applySavedSelection(): void {
    const saved = this.savedState!;
    this.savedState = undefined;
    if (saved.selectedPid !== undefined && this.store.model.processes.has(saved.selectedPid)) this.selection = { kind: 'process', pid: saved.selectedPid };
    if (saved.cursor !== undefined && saved.cursor < this.store.count) this.cursor = saved.cursor;
    this.saveState();
  }

  private saveState(): void {
    const state: ViewerState = { source: this.source };
    if (this.userMoved) state.view = this.view;
    if (this.selection?.kind === 'process') state.selectedPid = this.selection.pid;
    if (this.cursor !== undefined) state.cursor = this.cursor;
    if (this.split !== DEFAULT_SPLIT) state.split = this.split;
    if (this.insightsOpen) state.insightsOpen = true;
    this.host.setState(state);
  }

  private openSelectionSource(): void {
    if (!this.host.connected || !this.selection) return;
    const loc = selectionEvents(this.selection, this.store.sorted()).find((e) => e.loc)?.loc;
    if (loc) this.host.post({ type: 'openSource', loc });
  }

  /** A search result was chosen: select it, scroll its lane into view and zoom to its time. */
  private reveal(h: SearchHit): void {
    if (h.kind === 'process') this.select({ kind: 'process', pid: h.process.pid });
    else if (h.kind === 'task') this.select({ kind: 'task', task: h.task });
    else this.select({ kind: 'message', message: h.message });
    // The run as a whole, not a replay position, holds every hit.
    this.stopPlay();
    this.cursor = undefined;
    const span = hitSpan(h);
    const row = rowOf(this.lanes, span.pid, span.tid);
    if (row !== undefined) this.tree.reveal(row);
    if (span.start !== undefined) {
      const origin = this.store.origin;
      const a = span.start - origin;
      const b = (span.end ?? span.start) - origin;
      // The item in the middle third of the view, at least 1 ms wide (an instant needs context).
      const w = Math.max(1000, (b - a) * 3);
      const mid = (a + b) / 2;
      this.moved(clampView({ t0: mid - w / 2, t1: mid + w / 2 }, this.extent()));
    } else this.requestFrame();
  }

  // ---- zoom, pan, keyboard ---------------------------------------------------------------

  private moved(v: Viewport): void {
    this.view = v;
    this.userMoved = true;
    if (this.follow) {
      this.follow = false;
      this.buttons.get('follow')!.checked = false;
    }
    this.saveState();
    this.requestFrame();
  }

  private fitView(): void {
    this.userMoved = false;
    this.view = fit(0, this.store.duration);
    this.saveState();
    this.requestFrame();
  }

  private zoomBy(factor: number, x?: number): void {
    const w = this.renderer.width;
    this.moved(zoomAt(this.view, w, x ?? w / 2, factor, this.extent()));
  }

  private installInput(): void {
    const c = this.lanesCanvas;
    c.addEventListener(
      'wheel',
      (ev) => {
        // Wheel zooms around the pointer; Shift+wheel and horizontal wheels pan; Ctrl is zoom too
        // (trackpad pinch arrives as ctrl+wheel).
        const w = this.renderer.width;
        const rect = c.getBoundingClientRect();
        if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          const d = ev.shiftKey && ev.deltaX === 0 ? ev.deltaY : ev.deltaX;
          this.moved(panBy(this.view, w, d, this.extent()));
        } else {
          this.moved(zoomAt(this.view, w, ev.clientX - rect.left, wheelZoomFactor(ev.deltaY, ev.deltaMode), this.extent()));
        }
        ev.preventDefault();
      },
      { passive: false },
    );
    c.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      c.setPointerCapture(ev.pointerId);
      this.drag = { x: ev.clientX, view: this.view, moved: false };
    });
    c.addEventListener('pointermove', (ev) => {
      if (!this.drag) return;
      const dx = ev.clientX - this.drag.x;
      if (Math.abs(dx) > 3) this.drag.moved = true;
      if (this.drag.moved) this.moved(panBy(this.drag.view, this.renderer.width, -dx, this.extent()));
    });
    c.addEventListener('pointerup', (ev) => {
      const d = this.drag;
      this.drag = undefined;
      if (!d || d.moved) return;
      const rect = c.getBoundingClientRect();
      const at = this.cursor !== undefined ? (this.playAt ?? this.store.sorted()[this.cursor]?.ts) : undefined;
      this.select(this.renderer.pick(this.frameInput(at, performance.now()), ev.clientX - rect.left, ev.clientY - rect.top));
    });
    // Double-click (or Enter on the focused timeline) jumps to the selection's source line.
    c.addEventListener('dblclick', () => this.openSelectionSource());
    c.addEventListener('keydown', (ev) => {
      const w = this.renderer.width;
      const step = w / 8;
      switch (ev.key) {
        case '+':
        case '=':
        case 'w':
          this.zoomBy(1.6);
          break;
        case '-':
        case '_':
        case 's':
          this.zoomBy(1 / 1.6);
          break;
        case 'ArrowLeft':
        case 'a':
          this.moved(panBy(this.view, w, -step, this.extent()));
          break;
        case 'ArrowRight':
        case 'd':
          this.moved(panBy(this.view, w, step, this.extent()));
          break;
        case '0':
        case 'f':
          this.fitView();
          break;
        case 'ArrowUp':
          this.scroller.scrollTop -= ROW_HEIGHT;
          break;
        case 'ArrowDown':
          this.scroller.scrollTop += ROW_HEIGHT;
          break;
        case ',':
          this.setCursor(stepCursor(this.cursor, -1, this.store.count));
          break;
        case '.':
          this.setCursor(stepCursor(this.cursor, 1, this.store.count));
          break;
        case 'Escape':
          this.select(undefined);
          break;
        case 'Enter':
          this.openSelectionSource();
          break;
        default:
          return;
      }
      ev.preventDefault();
    });
  }
}

function sameSource(a: TraceSource, b: TraceSource): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'file' && b.kind === 'file') return a.path === b.path;
  if (a.kind === 'run' && b.kind === 'run') return a.file === b.file;
  return true;
}
