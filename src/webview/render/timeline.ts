// Draws the timeline on a canvas: one lane per tree row (lifespans, task spans, output marks, exits),
// message arrows across lanes, the time axis and the replay cursor. Only what is visible is
// touched (per-lane binary search), and items narrower than a pixel are merged, so a frame costs
// about the same for 1k and 1M events. Picking (what is under the mouse) uses the same geometry.

import { CHANNEL_KINDS, type ChannelKind, type TraceEvent } from '../../trace/events';
import type { HoldSpan, MessageArrow, TaskSpan, WaitSpan } from '../../trace/model';
import { AXIS_HEIGHT, HOLD_HEIGHT, HOLD_TOP, LIFE_HEIGHT, LIFE_TOP, MARK_HEIGHT, PICK_SLOP, ROW_HEIGHT, TASK_HEIGHT, TASK_TOP } from '../layout/geometry';
import { laneKey, rowOf, visibleRows, type Row } from '../layout/lanes';
import { isFailure, processStateAt, threadStateAt } from '../layout/replay';
import { xOf, type Viewport } from '../layout/scale';
import { lowerBoundIn, walkPoints, walkSpans, xAt, type XScale } from '../layout/lod';
import { distanceToSegment, messageRows, visibleMarks, visibleMessages, visibleSpans, visibleTasks, type LaneItems, type MessageRows, type TraceIndex } from '../layout/spatial';
import { ticks } from '../layout/ticks';
import type { Selection } from '../selection';
import { t } from '../strings';
import { mix, PixelLayer, type Rgba } from './pixels';
import type { Theme } from './theme';

export interface FrameInput {
  rows: readonly Row[];
  lanes: ReadonlyMap<string, number>;
  index: TraceIndex;
  /** µs epoch of the trace start; `view` is relative to it. */
  origin: number;
  view: Viewport;
  scrollTop: number;
  /** Replay cursor (µs epoch); undefined shows everything. */
  at: number | undefined;
  /** End used for spans still open (µs epoch). */
  now: number;
  selection: Selection | undefined;
  theme: Theme;
}

/** Canvas sized to its CSS box at the device pixel ratio. Returns the CSS size. */
function fitCanvas(c: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D } {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth;
  const h = c.clientHeight;
  const bw = Math.max(1, Math.round(w * dpr));
  const bh = Math.max(1, Math.round(h * dpr));
  if (c.width !== bw || c.height !== bh) {
    c.width = bw;
    c.height = bh;
  }
  const ctx = c.getContext('2d', { alpha: false })!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

/** Up to this many rows, dense arrows are de-duplicated with a rows x rows table (256 rows: 1 MB). */
const MAX_PAIR_TABLE_ROWS = 256;

/**
 * More arrows than this in view are shown per lane as send/receive ticks instead (drawMessages).
 * Measured in software rendering (no GPU): 1,000 antialiased lines cost ~3 ms to rasterize,
 * 5,000 ~11 ms — a frame's budget.
 */
export const ARROW_BUDGET = 1500;

/** A run of holds' bar: dashes and gaps, CSS px. */
const RUN_DASH = 4;
const RUN_GAP = 2;

/** What the last frame drew; tests read it through `globalThis.__concurrencyLabDrawStats`. */
export interface DrawStats {
  /** Task spans drawn one by one. */
  spans: number;
  /** Merged runs of spans too narrow to tell apart. */
  runs: number;
  /** Output and message ticks (one per pixel column and lane). */
  ticks: number;
  /** Message arrows drawn. */
  arrows: number;
  /** Messages in the visible time window. */
  messagesInView: number;
  /** True when there were too many to draw as arrows (ticks per lane instead). */
  arrowsAggregated: boolean;
  /** Waits (blocked time, hatched) drawn one by one, and merged runs of them. */
  waits: number;
  waitRuns: number;
  /** Lock holds drawn one by one, and merged runs of them. */
  holds: number;
  holdRuns: number;
  /** Of `holds`, trace entries that stand for several holds of one thread (hold.spans `[a, b, n]`: dashed). */
  holdRunsOfMany: number;
  /** The op names written on waits ("Queue#1.get") and object names on holds ("Lock#1"). */
  waitLabels: string[];
  holdLabels: string[];
}

/** Row band kinds: plain, alternate (odd rows), selected. */
type Band = 0 | 1 | 2;

/**
 * Every colour the pixel layer fills, blended over each band once per theme: per rect the renderer
 * only picks a number (a frame fills thousands of rects).
 */
class Paints {
  readonly band: Rgba[];
  readonly grid: Rgba[];
  readonly task: Rgba[][];
  readonly taskOpen: Rgba[][];
  readonly failure: Rgba[];
  readonly failureOpen: Rgba[];
  readonly run: Rgba[];
  readonly life: Rgba[];
  readonly lifeDone: Rgba[];
  readonly stdout: Rgba[];
  readonly stderr: Rgba[];
  readonly queue: Rgba[];
  readonly pipe: Rgba[];
  readonly wait: Rgba[];
  readonly hold: Rgba[];
  readonly selection: Rgba;

  constructor(readonly theme: Theme) {
    const bands = [theme.background, mixCss(theme.laneAlt, 0.5, theme.background), theme.laneAlt];
    const over = (css: string, alpha: number) => bands.map((b) => mix(css, alpha, b));
    this.band = bands.map((b) => mix(b, 1, b));
    this.grid = over(theme.grid, 0.35);
    this.task = theme.taskPalette.map((c) => over(c, 0.9));
    this.taskOpen = theme.taskPalette.map((c) => over(c, 0.6));
    this.failure = over(theme.failure, 0.9);
    this.failureOpen = over(theme.failure, 0.6);
    this.run = over(theme.taskPalette[0]!, 0.8);
    this.life = over(theme.lifespan, 0.85);
    this.lifeDone = over(theme.lifespanDone, 0.6);
    this.stdout = over(theme.stdout, 0.8);
    this.stderr = over(theme.stderr, 0.8);
    this.queue = over(theme.queue, 0.9);
    this.pipe = over(theme.pipe, 0.9);
    this.wait = over(theme.wait, 0.85);
    this.hold = over(theme.hold, 0.9);
    this.selection = mix(theme.selection, 1, theme.background);
  }
}

/** mix() as a CSS colour (the alternate band is itself a blend). */
function mixCss(css: string, alpha: number, under: string): string {
  const v = mix(css, alpha, under);
  return `rgb(${v & 255}, ${(v >>> 8) & 255}, ${(v >>> 16) & 255})`;
}

export class TimelineRenderer {
  private paints: Paints | undefined;
  /** messageRows() of the last frame's index and row layout; both are replaced, never mutated, when they change. */
  private messageRowsCache: { index: TraceIndex; lanes: ReadonlyMap<string, number>; rows: MessageRows } | undefined;
  /** What the last frame drew (picking does not pick arrows that were not drawn). */
  lastStats: DrawStats | undefined;
  private lastAggregated = false;
  /** Rectangles go here, then onto the canvas in one putImageData (render/pixels.ts). */
  private readonly pixels = new PixelLayer();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly axis: HTMLCanvasElement,
  ) {}

  get width(): number {
    return this.canvas.clientWidth;
  }

  draw(f: FrameInput): void {
    this.drawAxis(f);
    this.drawLanes(f);
  }

  private drawAxis(f: FrameInput): void {
    const { w, h, ctx } = fitCanvas(this.axis);
    const th = f.theme;
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, w, h);
    ctx.font = th.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = th.muted;
    ctx.strokeStyle = th.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    let labelEnd = -Infinity;
    for (const tk of ticks(f.view, w)) {
      const x = Math.round(xOf(f.view, w, tk.t)) + 0.5;
      ctx.moveTo(x, h - 6);
      ctx.lineTo(x, h);
      // Labels right of their tick, or left of it at the right edge; never over the previous one.
      const tw = ctx.measureText(tk.label).width;
      const lx = x + 3 + tw > w ? x - 3 - tw : x + 3;
      if (lx < labelEnd + 6) continue;
      ctx.fillText(tk.label, lx, h / 2);
      labelEnd = lx + tw;
    }
    ctx.moveTo(0, h - 0.5);
    ctx.lineTo(w, h - 0.5);
    ctx.stroke();
    if (f.at !== undefined) {
      const x = xOf(f.view, w, f.at - f.origin);
      ctx.fillStyle = th.cursor;
      ctx.beginPath();
      ctx.moveTo(x - 5, h - 8);
      ctx.lineTo(x + 5, h - 8);
      ctx.lineTo(x, h);
      ctx.closePath();
      ctx.fill();
    }
  }

  private drawLanes(f: FrameInput): void {
    const { w, h, ctx } = fitCanvas(this.canvas);
    const th = f.theme;
    const v = f.view;
    const k = w / (v.t1 - v.t0);
    const scale: XScale = { base: f.origin + v.t0, k };
    const X = (abs: number) => (abs - scale.base) * k;
    const a0 = f.origin + v.t0;
    const a1 = f.origin + v.t1;
    const limit = f.at ?? Infinity;
    const openEnd = f.at ?? f.now;
    const stats: DrawStats = { spans: 0, runs: 0, ticks: 0, arrows: 0, messagesInView: 0, arrowsAggregated: false, waits: 0, waitRuns: 0, holds: 0, holdRuns: 0, holdRunsOfMany: 0, waitLabels: [], holdLabels: [] };

    const px = this.pixels;
    px.begin(ctx, w, h, window.devicePixelRatio || 1, th.background);
    ctx.font = th.font;
    ctx.textBaseline = 'middle';

    const [first, last] = visibleRows(f.rows.length, ROW_HEIGHT, f.scrollTop, h);
    const selectedPid = f.selection?.kind === 'process' ? f.selection.pid : undefined;
    const selectedTid = f.selection?.kind === 'process' ? f.selection.tid : undefined;

    // Row bands and grid lines first, so everything else draws over them. What is drawn over a
    // band was blended with it once per theme (Paints) and is filled opaque: the fast path.
    if (this.paints?.theme !== th) this.paints = new Paints(th);
    const pt = this.paints;
    const bandOf = (i: number, r: Row): Band => (r.pid === selectedPid && r.tid === selectedTid ? 2 : i % 2 === 1 ? 1 : 0);
    const gridXs = ticks(v, w).map((tk) => Math.round(xOf(v, w, tk.t)));
    for (let i = first; i <= last; i++) {
      const y = i * ROW_HEIGHT - f.scrollTop;
      const band = bandOf(i, f.rows[i]!);
      if (band !== 0) px.fill(pt.band[band]!, 0, y, w, ROW_HEIGHT);
      for (const x of gridXs) px.fill(pt.grid[band]!, x, y, 1, ROW_HEIGHT);
      if (band === 2) px.fill(pt.selection, 0, y, 2, ROW_HEIGHT);
    }
    const below = f.rows.length * ROW_HEIGHT - f.scrollTop;
    if (below < h) for (const x of gridXs) px.fill(pt.grid[0]!, x, below, 1, h - below);

    const labels: { t: TaskSpan; x0: number; x1: number; y: number }[] = [];
    const spanLabels: SpanLabel[] = [];
    const sel = f.selection?.kind === 'task' ? f.selection.task : undefined;
    let selectedBox: { t: TaskSpan; x0: number; x1: number; y: number } | undefined;
    for (let i = first; i <= last; i++) {
      const y = i * ROW_HEIGHT - f.scrollTop;
      const r = f.rows[i]!;
      const band = bandOf(i, r);
      this.drawLifespan(ctx, f, r, y, X, w, openEnd, band);
      const items = f.index.lanes.get(r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid));
      if (!items) continue;
      if (items.holds.length) this.laneHolds(f, items, y, band, scale, a0, Math.min(a1, limit), openEnd, w, stats, spanLabels);
      const [from, to] = visibleTasks(items, a0, Math.min(a1, limit));
      const tasks = items.tasks;
      walkSpans(
        items.taskTrack,
        from,
        to,
        scale,
        openEnd,
        a0,
        {
          span: (j, x0, x1) => {
            stats.spans++;
            const t = tasks[j]!;
            const cx0 = Math.max(x0, -1);
            const cx1 = Math.min(x1, w + 1);
            // Colour by task id: neighbouring tasks of the same function stay distinguishable.
            // A hairline gap at the end keeps back-to-back spans apart.
            const paint = t.ok === false ? (t.end === undefined ? pt.failureOpen : pt.failure)[band]! : (t.end === undefined ? pt.taskOpen : pt.task)[t.taskId % pt.task.length]![band]!;
            px.fill(paint, cx0, y + TASK_TOP, Math.max(1, cx1 - cx0 - (cx1 - cx0 > 6 ? 1 : 0)), TASK_HEIGHT);
            if (t === sel) selectedBox = { t, x0: cx0, x1: cx1, y };
            else if (cx1 - cx0 > 24 || th.highContrast) labels.push({ t, x0: cx0, x1: cx1, y });
          },
          run: (x0, x1) => {
            stats.runs++;
            const cx0 = Math.max(x0, -1);
            px.fill(pt.run[band]!, cx0, y + TASK_TOP, Math.max(1, Math.min(x1, w + 1) - cx0), TASK_HEIGHT);
          },
        },
        sel && sel.pid === r.pid ? tasks.indexOf(sel, from) : -1,
      );
      if (items.waits.length) this.laneWaits(f, items, y, band, scale, a0, Math.min(a1, limit), openEnd, w, stats, spanLabels);
      this.laneMarks(items, y, band, scale, a0, Math.min(a1, limit), stats);
    }
    const [mFrom, mTo] = visibleMessages(f.index, a0, a1);
    const aggregated = mTo - mFrom > ARROW_BUDGET;
    if (aggregated) this.messageTicks(f, scale, a0, a1, limit, first, last, bandOf, stats);
    px.end(ctx);

    // Over the pixels: what needs lines, shapes and text.
    for (let i = first; i <= last; i++) this.drawLifespan(ctx, f, f.rows[i]!, i * ROW_HEIGHT - f.scrollTop, X, w, openEnd, undefined);
    for (const l of labels) this.drawTaskText(ctx, f, l.t, l.x0, l.x1, l.y, false);
    this.drawSpanLabels(ctx, f, spanLabels, stats);
    if (selectedBox) {
      const { t, x0, x1, y } = selectedBox;
      ctx.fillStyle = t.ok === false ? th.failure : th.taskPalette[t.taskId % th.taskPalette.length]!;
      ctx.fillRect(x0, y + TASK_TOP, Math.max(1, x1 - x0), TASK_HEIGHT);
      this.drawTaskText(ctx, f, t, x0, x1, y, true);
    }
    this.selectedMark(ctx, f, scale, a0, a1);
    for (let i = first; i <= last; i++) {
      const r = f.rows[i]!;
      const items = f.index.lanes.get(r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid));
      if (items) this.laneErrors(ctx, f, items, i * ROW_HEIGHT - f.scrollTop, X, a0, Math.min(a1, limit));
    }

    this.drawMessages(ctx, f, scale, w, h, mFrom, mTo, aggregated, limit, stats);
    if (f.selection?.kind === 'task') this.drawTaskQueueing(ctx, f, f.selection.task, X, limit);

    if (f.at !== undefined) {
      const x = Math.round(X(f.at)) + 0.5;
      ctx.strokeStyle = th.cursor;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, h);
      ctx.stroke();
    }
    this.lastStats = stats;
    const hook = (globalThis as { __concurrencyLabDrawStats?: DrawStats }).__concurrencyLabDrawStats;
    if (hook) Object.assign(hook, stats);
  }

  /** `bar` (the row's band colour): the lifespan bar (pixels); otherwise the start notch and the end bar or cross (canvas). */
  private drawLifespan(ctx: CanvasRenderingContext2D, f: FrameInput, r: Row, y: number, X: (t: number) => number, w: number, openEnd: number, bar: Band | undefined): void {
    const th = f.theme;
    const start = r.thread ? r.thread.start : r.process.start;
    const end = r.thread ? r.thread.end : r.process.end;
    const state = r.thread ? threadStateAt(r.thread, f.at) : processStateAt(r.process, f.at);
    if (state.kind === 'pending') return;
    const running = state.kind === 'running';
    const stop = running ? openEnd : end!;
    const x0 = Math.max(-2, X(start));
    const x1 = Math.min(w + 2, X(stop));
    if (x1 < -10 || x0 > w + 10) return;
    if (bar !== undefined) {
      this.pixels.fill((running ? this.paints!.life : this.paints!.lifeDone)[bar]!, x0, y + LIFE_TOP, Math.max(1, x1 - x0), LIFE_HEIGHT);
      return;
    }
    // Start: a small notch; end: a bar, or a cross when the process failed or was killed.
    ctx.fillStyle = th.foreground;
    if (x0 > -2) ctx.fillRect(Math.round(x0), y + LIFE_TOP - 3, 1.5, LIFE_HEIGHT + 6);
    if (!running && x1 < w + 2) {
      const xe = Math.round(x1);
      if (isFailure(state)) {
        ctx.strokeStyle = th.failure;
        ctx.lineWidth = 2;
        ctx.beginPath();
        const cy = y + LIFE_TOP + LIFE_HEIGHT / 2;
        ctx.moveTo(xe - 4, cy - 4);
        ctx.lineTo(xe + 4, cy + 4);
        ctx.moveTo(xe + 4, cy - 4);
        ctx.lineTo(xe - 4, cy + 4);
        ctx.stroke();
        ctx.lineWidth = 1;
      } else {
        ctx.fillRect(xe - 1, y + LIFE_TOP - 3, 2, LIFE_HEIGHT + 6);
      }
    }
  }

  /**
   * Blocked time: each wait hatched over the task band, edged top and bottom so a sliver still
   * shows; runs of waits too narrow to tell apart are hatched as one (lod.ts), so every zoom level
   * shows where the lane was blocked. Wide waits get their op's name ("Queue#1.get") when it fits.
   */
  private laneWaits(f: FrameInput, items: LaneItems, y: number, band: Band, s: XScale, a0: number, a1: number, openEnd: number, w: number, stats: DrawStats, out: SpanLabel[]): void {
    const px = this.pixels;
    const paint = this.paints!.wait[band]!;
    const [from, to] = visibleSpans(items.waitTrack, items.maxWaitDur, a0, a1);
    const sel = f.selection?.kind === 'wait' ? f.selection.wait : undefined;
    const keep = sel && sel.pid === items.waits[0]!.pid && sel.tid === items.waits[0]!.tid ? items.waits.indexOf(sel, from) : -1;
    const box = (x0: number, x1: number) => {
      const cx0 = Math.max(x0, -1);
      const cw = Math.max(1, Math.min(x1, w + 1) - cx0);
      px.hatch(paint, cx0, y + TASK_TOP, cw, TASK_HEIGHT);
      px.fill(paint, cx0, y + TASK_TOP, cw, 1);
      px.fill(paint, cx0, y + TASK_TOP + TASK_HEIGHT - 1, cw, 1);
      return [cx0, cx0 + cw] as const;
    };
    walkSpans(
      items.waitTrack,
      from,
      to,
      s,
      openEnd,
      a0,
      {
        span: (j, x0, x1) => {
          stats.waits++;
          const [cx0, cx1] = box(x0, x1);
          const wt = items.waits[j]!;
          if (cx1 - cx0 > 30 || wt === sel) out.push({ text: f.index.names.waitLabel(wt), x0: cx0, x1: cx1, y, kind: 'wait', selected: wt === sel });
        },
        run: (x0, x1) => {
          stats.waitRuns++;
          box(x0, x1);
        },
      },
      keep,
    );
  }

  /**
   * Lock holds: a tint over the task band and a bar under it, named when wide enough. A run of
   * holds (one trace entry for n holds with no other holder between them) gets a
   * lighter tint and a dashed bar — the lock may have been free between two of its holds — and
   * its name says how many ("Lock#1 ×120").
   */
  private laneHolds(f: FrameInput, items: LaneItems, y: number, band: Band, s: XScale, a0: number, a1: number, openEnd: number, w: number, stats: DrawStats, out: SpanLabel[]): void {
    const px = this.pixels;
    const th = f.theme;
    const bar = this.paints!.hold[band]!;
    const [from, to] = visibleSpans(items.holdTrack, items.maxHoldDur, a0, a1);
    const sel = f.selection?.kind === 'hold' ? f.selection.hold : undefined;
    const keep = sel && sel.pid === items.holds[0]!.pid && sel.tid === items.holds[0]!.tid ? items.holds.indexOf(sel, from) : -1;
    const box = (x0: number, x1: number, run = false) => {
      const cx0 = Math.max(x0, -1);
      const cw = Math.max(1, Math.min(x1, w + 1) - cx0);
      if (!run) {
        px.rect(th.hold, 0.22, cx0, y + TASK_TOP, cw, TASK_HEIGHT);
        px.fill(bar, cx0, y + HOLD_TOP, cw, HOLD_HEIGHT);
      } else {
        px.rect(th.hold, 0.1, cx0, y + TASK_TOP, cw, TASK_HEIGHT);
        if (cw < RUN_DASH + RUN_GAP) px.fill(bar, cx0, y + HOLD_TOP, cw, HOLD_HEIGHT);
        // Dashes fixed to the canvas (not to the run's start), so panning does not make them crawl.
        else {
          const period = RUN_DASH + RUN_GAP;
          for (let x = Math.floor(cx0 / period) * period; x < cx0 + cw; x += period) {
            const a = Math.max(x, cx0);
            const b = Math.min(x + RUN_DASH, cx0 + cw);
            if (b > a) px.fill(bar, a, y + HOLD_TOP, b - a, HOLD_HEIGHT);
          }
        }
      }
      return [cx0, cx0 + cw] as const;
    };
    walkSpans(
      items.holdTrack,
      from,
      to,
      s,
      openEnd,
      a0,
      {
        span: (j, x0, x1) => {
          stats.holds++;
          const hd = items.holds[j]!;
          const run = hd.count !== undefined && hd.count > 1;
          if (run) stats.holdRunsOfMany++;
          const [cx0, cx1] = box(x0, x1, run);
          // Named where nothing else in the lane is written over it: a task or a wait there has its own label.
          if ((cx1 - cx0 > 30 && !busyAt(items, hd.start, Math.min(hd.end ?? openEnd, openEnd))) || hd === sel) {
            const name = f.index.names.label(hd.objKind, hd.objId);
            out.push({ text: run ? `${name} ×${hd.count}` : name, x0: cx0, x1: cx1, y, kind: 'hold', selected: hd === sel });
          }
        },
        run: (x0, x1) => {
          stats.holdRuns++;
          box(x0, x1);
        },
      },
      keep,
    );
  }

  /** Names on waits and holds: on a plate of the background so they read over the hatching; the selected one outlined. */
  private drawSpanLabels(ctx: CanvasRenderingContext2D, f: FrameInput, labels: readonly SpanLabel[], stats: DrawStats): void {
    const th = f.theme;
    for (const l of labels) {
      if (l.selected) {
        ctx.strokeStyle = th.selection;
        ctx.lineWidth = 2;
        ctx.strokeRect(l.x0 + 0.5, l.y + TASK_TOP - 0.5, Math.max(1, l.x1 - l.x0) - 1, TASK_HEIGHT + (l.kind === 'hold' ? HOLD_HEIGHT + 1 : 1));
        ctx.lineWidth = 1;
      }
      const tw = ctx.measureText(l.text).width;
      if (tw + 8 > l.x1 - l.x0) continue;
      const tx = Math.max(l.x0, 0) + 4;
      if (tx + tw + 4 > l.x1) continue;
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = th.background;
      ctx.fillRect(tx - 2, l.y + TASK_TOP + 2, tw + 4, TASK_HEIGHT - 4);
      ctx.globalAlpha = 1;
      ctx.fillStyle = l.kind === 'wait' ? th.foreground : th.hold;
      ctx.fillText(l.text, tx, l.y + TASK_TOP + TASK_HEIGHT / 2 + 0.5);
      (l.kind === 'wait' ? stats.waitLabels : stats.holdLabels).push(l.text);
    }
  }

  /** Output lines: one tick per pixel column (stderr's colour when the column holds any stderr line). */
  private laneMarks(items: LaneItems, y: number, band: Band, s: XScale, a0: number, a1: number, stats: DrawStats): void {
    const pt = this.paints!;
    const ts = items.outputTs;
    const from = lowerBoundIn(ts, 0, ts.length, a0);
    const to = lowerBoundIn(ts, from, ts.length, a1 + 1e-9);
    const before = items.stderrBefore;
    walkPoints(ts, from, to, s, (x, i, j) => {
      stats.ticks++;
      this.pixels.fill((before[j + 1]! - before[i]! > 0 ? pt.stderr : pt.stdout)[band]!, x - 1, y + 1, 2, MARK_HEIGHT);
    });
  }

  /** The selected output line's frame (drawn over the ticks). */
  private selectedMark(ctx: CanvasRenderingContext2D, f: FrameInput, s: XScale, a0: number, a1: number): void {
    const e = f.selection?.kind === 'event' ? f.selection.event : undefined;
    if (!e || e.kind !== 'output' || e.ts < a0 || e.ts > a1 || (f.at !== undefined && e.ts > f.at)) return;
    const row = rowOf(f.lanes, e.pid, e.tid);
    if (row === undefined) return;
    const x = Math.round(xAt(s, e.ts));
    ctx.strokeStyle = f.theme.selection;
    ctx.lineWidth = 2;
    ctx.strokeRect(x - 4, row * ROW_HEIGHT - f.scrollTop, 8, MARK_HEIGHT + 3);
    ctx.lineWidth = 1;
  }

  /** Too many arrows to draw: each lane's message ends as ticks along its bottom edge, one per pixel column. */
  private messageTicks(f: FrameInput, s: XScale, a0: number, a1: number, limit: number, first: number, last: number, bands: (i: number, r: Row) => Band, stats: DrawStats): void {
    const pt = this.paints!;
    for (let i = first; i <= last; i++) {
      const r = f.rows[i]!;
      const items = f.index.lanes.get(r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid));
      if (!items || items.messageTs.length === 0) continue;
      const y = i * ROW_HEIGHT - f.scrollTop + ROW_HEIGHT - 3;
      const band = bands(i, r);
      const ts = items.messageTs;
      const m0 = lowerBoundIn(ts, 0, ts.length, a0);
      const m1 = lowerBoundIn(ts, m0, ts.length, Math.min(a1, limit) + 1e-9);
      const q = items.queueBefore;
      walkPoints(ts, m0, m1, s, (x, j, k) => {
        stats.ticks++;
        this.pixels.fill((q[k + 1]! - q[j]! > 0 ? pt.queue : pt.pipe)[band]!, x - 1, y, 2, 3);
      });
    }
  }

  /** Errors: few, and each one matters, so every one is drawn (a red triangle at the top of the lane). */
  private laneErrors(ctx: CanvasRenderingContext2D, f: FrameInput, items: LaneItems, y: number, X: (t: number) => number, a0: number, a1: number): void {
    if (items.errors.length === 0) return;
    const th = f.theme;
    const from = lowerBoundIn(items.errorTs, 0, items.errorTs.length, a0);
    const to = lowerBoundIn(items.errorTs, from, items.errorTs.length, a1 + 1e-9);
    const selected = f.selection?.kind === 'event' ? f.selection.event : undefined;
    for (let i = from; i < to; i++) {
      const x = Math.round(X(items.errorTs[i]!));
      ctx.fillStyle = th.failure;
      ctx.beginPath();
      ctx.moveTo(x, y + 1);
      ctx.lineTo(x + 4, y + 7);
      ctx.lineTo(x - 4, y + 7);
      ctx.closePath();
      ctx.fill();
      if (items.errors[i] === selected) {
        ctx.strokeStyle = th.selection;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 4, y, 8, MARK_HEIGHT + 3);
        ctx.lineWidth = 1;
      }
    }
  }

  private drawTaskText(ctx: CanvasRenderingContext2D, f: FrameInput, t: TaskSpan, cx0: number, cx1: number, y: number, selected: boolean): void {
    const th = f.theme;
    if (selected || th.highContrast) {
      ctx.strokeStyle = selected ? th.selection : th.foreground;
      ctx.lineWidth = selected ? 2 : 1;
      ctx.strokeRect(cx0 + 0.5, y + TASK_TOP + 0.5, Math.max(1, cx1 - cx0) - 1, TASK_HEIGHT - 1);
      ctx.lineWidth = 1;
    }
    const width = cx1 - cx0;
    if (width > 24) {
      const label = `${t.fn}${t.args ?? ''}`;
      ctx.save();
      ctx.beginPath();
      ctx.rect(cx0 + 3, y, width - 6, ROW_HEIGHT);
      ctx.clip();
      ctx.fillStyle = th.taskText;
      ctx.fillText(label, cx0 + 4, y + TASK_TOP + TASK_HEIGHT / 2 + 0.5);
      ctx.restore();
    }
  }

  private pairTableCache = new Float64Array(0);

  private pairTable(size: number): Float64Array {
    if (this.pairTableCache.length < size) this.pairTableCache = new Float64Array(size);
    const t = this.pairTableCache.subarray(0, size);
    t.fill(NaN);
    return t;
  }

  private messageRowsFor(f: FrameInput): MessageRows {
    const c = this.messageRowsCache;
    if (c && c.index === f.index && c.lanes === f.lanes) return c.rows;
    const rows = messageRows(f.index.messages, f.lanes);
    this.messageRowsCache = { index: f.index, lanes: f.lanes, rows };
    return rows;
  }

  /**
   * Message arrows. Up to ARROW_BUDGET arrows in view, each is drawn; more than that would be a
   * solid tangle costing a frame of its own, so each lane shows where its messages were sent and
   * received instead (one tick per pixel column along the lane's bottom edge) with a note to zoom
   * in; the selected message and the selected process's messages are still drawn as arrows.
   */
  private drawMessages(ctx: CanvasRenderingContext2D, f: FrameInput, s: XScale, w: number, h: number, from: number, to: number, aggregated: boolean, limit: number, stats: DrawStats): void {
    const th = f.theme;
    const X = (abs: number) => (abs - s.base) * s.k;
    stats.messagesInView = to - from;
    const selected = f.selection?.kind === 'message' ? f.selection.message : undefined;
    const selectedPid = f.selection?.kind === 'process' ? f.selection.pid : undefined;
    const highlighted: MessageArrow[] = [];
    stats.arrowsAggregated = aggregated;
    this.lastAggregated = aggregated;
    if (aggregated) {
      // The ticks are in the pixel layer already (messageTicks).
      if (selected) highlighted.push(selected);
      else if (selectedPid !== undefined) {
        for (let i = from; i < to && highlighted.length < ARROW_BUDGET; i++) {
          const m = f.index.messages[i]!;
          if (m.fromPid === selectedPid || m.toPid === selectedPid) highlighted.push(m);
        }
      }
      const note = t('arrowsAggregated', (to - from).toLocaleString());
      ctx.font = th.font;
      const tw = ctx.measureText(note).width;
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = th.background;
      ctx.fillRect(w - tw - 12, 2, tw + 10, 16);
      ctx.globalAlpha = 1;
      ctx.fillStyle = th.muted;
      ctx.fillText(note, w - tw - 7, 10);
    } else {
      this.drawArrows(ctx, f, X, w, h, from, to, limit, highlighted, stats);
    }
    // Highlighted arrows (the selection, or the selected process's messages) on top, thicker.
    for (const m of highlighted) {
      const geo = arrowGeometry(f, m, X, limit);
      if (!geo) continue;
      stats.arrows++;
      ctx.strokeStyle = m === selected ? th.selection : th[m.channel];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 2;
      if (geo.flying) ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(geo.x0, geo.y0);
      ctx.lineTo(geo.x1, geo.y1);
      ctx.stroke();
      ctx.setLineDash([]);
      const head = new Path2D();
      addHead(head, geo.x0, geo.y0, geo.x1, geo.y1);
      ctx.fill(head);
      ctx.beginPath();
      ctx.arc(geo.x0, geo.y0, 2.5, 0, Math.PI * 2);
      ctx.fill();
      ctx.lineWidth = 1;
    }
  }

  /** Every visible arrow (at most ARROW_BUDGET of them), arrows sharing the same pixels drawn once. */
  private drawArrows(ctx: CanvasRenderingContext2D, f: FrameInput, X: (t: number) => number, w: number, h: number, from: number, to: number, limit: number, highlighted: MessageArrow[], stats: DrawStats): void {
    const th = f.theme;
    const dense = to - from > 300;
    // Per row pair (and per sender for stubs): the last arrow's rounded ends; a Set of keys for
    // very many rows, where that table would be too big.
    const nRows = f.rows.length;
    const pairs = nRows * nRows;
    const lastSeen = dense && nRows <= MAX_PAIR_TABLE_ROWS ? this.pairTable(2 * (pairs + nRows)) : undefined;
    const seen = dense && !lastSeen ? new Set<number>() : undefined;
    const selected = f.selection?.kind === 'message' ? f.selection.message : undefined;
    const selectedPid = f.selection?.kind === 'process' ? f.selection.pid : undefined;
    const paths: Record<ChannelKind, Path2D> = { queue: new Path2D(), pipe: new Path2D(), manager: new Path2D() };
    const heads: Record<ChannelKind, Path2D> = { queue: new Path2D(), pipe: new Path2D(), manager: new Path2D() };
    const inflight = new Path2D();
    const { send, recv, fromRow, toRow } = this.messageRowsFor(f);
    const half = ROW_HEIGHT / 2 - f.scrollTop;
    const stubEnd = Math.min(limit, f.now);
    for (let i = from; i < to; i++) {
      // The same geometry as arrowGeometry(), on the flat arrays (this loop sees every visible message).
      const s = send[i]!;
      if (!(s <= limit)) continue;
      const r0 = fromRow[i]!;
      if (r0 < 0) continue;
      const rv = recv[i]!;
      const r1 = toRow[i]!;
      const flying = !(rv <= limit && r1 >= 0);
      const x0 = X(s);
      const y0 = r0 * ROW_HEIGHT + half;
      const x1 = flying ? X(Math.max(stubEnd, s)) : X(rv);
      const y1 = flying ? y0 : r1 * ROW_HEIGHT + half;
      const m = f.index.messages[i]!;
      if (Math.max(x0, x1) < 0 || Math.min(x0, x1) > w || Math.max(y0, y1) < 0 || Math.min(y0, y1) > h) continue;
      if (m === selected || (selectedPid !== undefined && (m.fromPid === selectedPid || m.toPid === selectedPid))) {
        highlighted.push(m);
        continue;
      }
      if (lastSeen) {
        // Arrows that share the same pixels are drawn once. Messages come in time order, so a
        // repeat is the previous arrow between the same two rows.
        const slot = 2 * (flying ? pairs + r0 : r0 * nRows + r1);
        const rx0 = Math.round(x0);
        const rx1 = Math.round(x1);
        if (lastSeen[slot] === rx0 && lastSeen[slot + 1] === rx1) continue;
        lastSeen[slot] = rx0;
        lastSeen[slot + 1] = rx1;
      } else if (seen) {
        const key = ((Math.round(x0) * 4099 + Math.round(x1)) * 8191 + Math.round(y0)) * 131 + Math.round(y1);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      stats.arrows++;
      if (flying) {
        inflight.moveTo(x0, y0);
        inflight.lineTo(x1, y1);
        continue;
      }
      const p = paths[m.channel];
      p.moveTo(x0, y0);
      p.lineTo(x1, y1);
      if (Math.hypot(x1 - x0, y1 - y0) > 10) addHead(heads[m.channel], x0, y0, x1, y1);
    }
    ctx.lineWidth = 1;
    for (const ch of CHANNEL_KINDS) {
      ctx.strokeStyle = th[ch];
      ctx.fillStyle = ctx.strokeStyle;
      ctx.globalAlpha = selectedPid !== undefined || selected ? 0.35 : 0.85;
      ctx.stroke(paths[ch]);
      ctx.fill(heads[ch]);
    }
    ctx.globalAlpha = 0.9;
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = th.queue;
    ctx.stroke(inflight);
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }

  /** For the selected task: a dashed connector from where it was submitted to where it started (its time in the pool's queue). */
  private drawTaskQueueing(ctx: CanvasRenderingContext2D, f: FrameInput, t: TaskSpan, X: (t: number) => number, limit: number): void {
    if (t.submitTs === undefined || t.start === undefined || t.submitTs > limit) return;
    const r0 = rowOf(f.lanes, t.submitPid);
    const r1 = rowOf(f.lanes, t.pid, t.tid);
    if (r0 === undefined || r1 === undefined) return;
    const y0 = r0 * ROW_HEIGHT - f.scrollTop + ROW_HEIGHT / 2;
    const y1 = r1 * ROW_HEIGHT - f.scrollTop + TASK_TOP;
    const x1 = X(Math.min(t.start, limit));
    ctx.strokeStyle = f.theme.selection;
    ctx.fillStyle = f.theme.selection;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(X(t.submitTs), y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(X(t.submitTs), y0, 3, 0, Math.PI * 2);
    ctx.fill();
    ctx.lineWidth = 1;
  }

  /** What is under the point (CSS pixels in the lanes canvas), most specific first. */
  pick(f: FrameInput, px: number, py: number): Selection | undefined {
    const w = this.canvas.clientWidth;
    const v = f.view;
    const k = w / (v.t1 - v.t0);
    const X = (abs: number) => (abs - f.origin - v.t0) * k;
    const limit = f.at ?? Infinity;
    const row = Math.floor((py + f.scrollTop) / ROW_HEIGHT);
    const r = f.rows[row];
    const yIn = py + f.scrollTop - row * ROW_HEIGHT;
    const a0 = f.origin + v.t0 + (px - PICK_SLOP) / k;
    const a1 = f.origin + v.t0 + (px + PICK_SLOP) / k;

    // Arrows: nearest within the slop (when arrows were drawn: not over a lane's message ticks).
    let best: MessageArrow | undefined;
    let bestD = PICK_SLOP;
    const [from, to] = this.lastAggregated ? [0, 0] : visibleMessages(f.index, f.origin + v.t0, f.origin + v.t1);
    for (let i = from; i < to; i++) {
      const m = f.index.messages[i]!;
      const g = arrowGeometry(f, m, X, limit);
      if (!g) continue;
      const d = distanceToSegment(px, py, g.x0, g.y0, g.x1, g.y1);
      if (d <= bestD) {
        bestD = d;
        best = m;
      }
    }
    if (best) return { kind: 'message', message: best };
    if (!r) return undefined;
    const items = f.index.lanes.get(r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid));
    if (items) {
      if (yIn <= MARK_HEIGHT + 3) {
        const [m0, m1] = visibleMarks(items, a0, Math.min(a1, limit));
        let bestMark: TraceEvent | undefined;
        let bd = Infinity;
        for (let i = m0; i < m1; i++) {
          const d = Math.abs(X(items.marks[i]!.ts) - px);
          if (d < bd) {
            bd = d;
            bestMark = items.marks[i]!.event;
          }
        }
        if (bestMark) return { kind: 'event', event: bestMark };
      }
      const tAt = f.origin + v.t0 + px / k;
      if (yIn >= TASK_TOP && yIn <= TASK_TOP + TASK_HEIGHT && items.waits.length) {
        const wt = pickSpan(items.waits, visibleSpans(items.waitTrack, items.maxWaitDur, tAt, Math.min(tAt, limit)), tAt, f.now, PICK_SLOP / k);
        if (wt) return { kind: 'wait', wait: wt };
      }
      if (yIn >= TASK_TOP && yIn <= TASK_TOP + TASK_HEIGHT) {
        const t = f.origin + v.t0 + px / k;
        const [t0, t1] = visibleTasks(items, t, Math.min(t, limit));
        for (let i = t1 - 1; i >= t0; i--) {
          const s = items.tasks[i]!;
          const end = s.end ?? f.now;
          if (s.start! <= t && t <= Math.max(end, s.start! + PICK_SLOP / k)) return { kind: 'task', task: s };
        }
      }
      if (yIn >= TASK_TOP && yIn <= HOLD_TOP + HOLD_HEIGHT + 1 && items.holds.length) {
        const hd = pickSpan(items.holds, visibleSpans(items.holdTrack, items.maxHoldDur, tAt, Math.min(tAt, limit)), tAt, f.now, PICK_SLOP / k);
        if (hd) return { kind: 'hold', hold: hd };
      }
    }
    return { kind: 'process', pid: r.pid, ...(r.kind === 'thread' ? { tid: r.tid } : {}) };
  }
}

interface SpanLabel {
  text: string;
  x0: number;
  x1: number;
  y: number;
  kind: 'wait' | 'hold';
  selected: boolean;
}

/** True when a task or a wait of the lane overlaps [t0, t1] (a hold's name would be written over theirs). */
function busyAt(items: LaneItems, t0: number, t1: number): boolean {
  const [a, b] = visibleTasks(items, t0, t1);
  for (let i = a; i < b; i++) if ((items.tasks[i]!.end ?? Infinity) >= t0) return true;
  const [c, d] = visibleSpans(items.waitTrack, items.maxWaitDur, t0, t1);
  for (let i = c; i < d; i++) if ((items.waits[i]!.end ?? Infinity) >= t0) return true;
  return false;
}

/** The latest-starting span of `list[from..to)` under time t (a span narrower than `slop` counts as that wide). */
function pickSpan<T extends WaitSpan | HoldSpan>(list: readonly T[], [from, to]: [number, number], t: number, now: number, slop: number): T | undefined {
  for (let i = to - 1; i >= from; i--) {
    const s = list[i]!;
    if (s.start <= t && t <= Math.max(s.end ?? now, s.start + slop)) return s;
  }
  return undefined;
}

/** Screen geometry of an arrow, or undefined when it cannot be drawn (lanes unknown, not yet sent). */
function arrowGeometry(f: FrameInput, m: MessageArrow, X: (t: number) => number, limit: number): { x0: number; y0: number; x1: number; y1: number; flying: boolean } | undefined {
  if (m.sendTs === undefined || m.sendTs > limit) return undefined;
  const r0 = rowOf(f.lanes, m.fromPid, m.fromTid);
  if (r0 === undefined) return undefined;
  const y0 = r0 * ROW_HEIGHT - f.scrollTop + ROW_HEIGHT / 2;
  const r1 = rowOf(f.lanes, m.toPid, m.toTid);
  const received = m.recvTs !== undefined && m.recvTs <= limit && r1 !== undefined;
  if (received) return { x0: X(m.sendTs), y0, x1: X(m.recvTs!), y1: r1! * ROW_HEIGHT - f.scrollTop + ROW_HEIGHT / 2, flying: false };
  // Sent, not (yet) received: a dashed stub to "now" in the sender's lane, the time it has waited.
  const end = Math.min(limit, f.now);
  return { x0: X(m.sendTs), y0, x1: X(Math.max(end, m.sendTs)), y1: y0, flying: true };
}

function addHead(p: Path2D, x0: number, y0: number, x1: number, y1: number): void {
  const a = Math.atan2(y1 - y0, x1 - x0);
  const s = 6;
  p.moveTo(x1, y1);
  p.lineTo(x1 - s * Math.cos(a - 0.4), y1 - s * Math.sin(a - 0.4));
  p.lineTo(x1 - s * Math.cos(a + 0.4), y1 - s * Math.sin(a + 0.4));
  p.closePath();
}

export { AXIS_HEIGHT };
