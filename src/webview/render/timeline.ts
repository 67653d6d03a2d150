// Draws the timeline on a canvas: one lane per tree row (lifespans, task spans, output marks, exits),
// message arrows across lanes, the time axis and the replay cursor. Only what is visible is
// touched (per-lane binary search), and items narrower than a pixel are merged, so a frame costs
// about the same for 1k and 1M events. Picking (what is under the mouse) uses the same geometry.

import type { TraceEvent } from '../../trace/events';
import type { MessageArrow, TaskSpan } from '../../trace/model';
import { AXIS_HEIGHT, LIFE_HEIGHT, LIFE_TOP, MARK_HEIGHT, PICK_SLOP, ROW_HEIGHT, TASK_HEIGHT, TASK_TOP } from '../layout/geometry';
import { laneKey, rowOf, visibleRows, type Row } from '../layout/lanes';
import { isFailure, processStateAt, threadStateAt } from '../layout/replay';
import { xOf, type Viewport } from '../layout/scale';
import { distanceToSegment, messageRows, visibleMarks, visibleMessages, visibleTasks, type MessageRows, type TraceIndex } from '../layout/spatial';
import { ticks } from '../layout/ticks';
import type { Selection } from '../selection';
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

export class TimelineRenderer {
  /** messageRows() of the last frame's index and row layout; both are replaced, never mutated, when they change. */
  private messageRowsCache: { index: TraceIndex; lanes: ReadonlyMap<string, number>; rows: MessageRows } | undefined;

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
    const X = (abs: number) => (abs - f.origin - v.t0) * k;
    const a0 = f.origin + v.t0;
    const a1 = f.origin + v.t1;
    const limit = f.at ?? Infinity;
    const openEnd = f.at ?? f.now;

    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, w, h);
    ctx.font = th.font;
    ctx.textBaseline = 'middle';

    const [first, last] = visibleRows(f.rows.length, ROW_HEIGHT, f.scrollTop, h);
    const selectedPid = f.selection?.kind === 'process' ? f.selection.pid : undefined;
    const selectedTid = f.selection?.kind === 'process' ? f.selection.tid : undefined;

    // Row bands and grid lines first, so everything else draws over them.
    for (let i = first; i <= last; i++) {
      const y = i * ROW_HEIGHT - f.scrollTop;
      const r = f.rows[i]!;
      if (r.pid === selectedPid && r.tid === selectedTid) {
        ctx.fillStyle = th.laneAlt;
        ctx.globalAlpha = 1;
        ctx.fillRect(0, y, w, ROW_HEIGHT);
        ctx.fillStyle = th.selection;
        ctx.fillRect(0, y, 2, ROW_HEIGHT);
      } else if (i % 2 === 1) {
        ctx.globalAlpha = 0.5;
        ctx.fillStyle = th.laneAlt;
        ctx.fillRect(0, y, w, ROW_HEIGHT);
        ctx.globalAlpha = 1;
      }
    }
    ctx.strokeStyle = th.grid;
    ctx.globalAlpha = 0.35;
    ctx.beginPath();
    for (const tk of ticks(v, w)) {
      const x = Math.round(xOf(v, w, tk.t)) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, h);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;

    for (let i = first; i <= last; i++) {
      const y = i * ROW_HEIGHT - f.scrollTop;
      const r = f.rows[i]!;
      this.drawLifespan(ctx, f, r, y, X, w, openEnd);
      const items = f.index.lanes.get(r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid));
      // Thread events of a process without thread rows still belong on its lane.
      if (items) this.drawLaneItems(ctx, f, items, y, X, w, a0, Math.min(a1, limit), openEnd);
    }

    this.drawMessages(ctx, f, X, w, h, a0, a1, limit);
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
  }

  private drawLifespan(ctx: CanvasRenderingContext2D, f: FrameInput, r: Row, y: number, X: (t: number) => number, w: number, openEnd: number): void {
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
    ctx.fillStyle = running ? th.lifespan : th.lifespanDone;
    ctx.globalAlpha = running ? 0.85 : 0.6;
    ctx.fillRect(x0, y + LIFE_TOP, Math.max(1, x1 - x0), LIFE_HEIGHT);
    ctx.globalAlpha = 1;
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

  private drawLaneItems(
    ctx: CanvasRenderingContext2D,
    f: FrameInput,
    items: NonNullable<ReturnType<TraceIndex['lanes']['get']>>,
    y: number,
    X: (t: number) => number,
    w: number,
    a0: number,
    a1: number,
    openEnd: number,
  ): void {
    const th = f.theme;
    const sel = f.selection?.kind === 'task' ? f.selection.task : undefined;
    const [from, to] = visibleTasks(items, a0, a1);
    // Sub-pixel tasks are merged into runs so a zoomed-out lane with 100k tasks is a few rects.
    let runX0 = NaN;
    let runX1 = NaN;
    const flushRun = () => {
      if (runX1 > runX0 || runX1 === runX0) {
        ctx.fillStyle = th.taskPalette[0]!;
        ctx.globalAlpha = 0.8;
        ctx.fillRect(runX0, y + TASK_TOP, Math.max(1, runX1 - runX0), TASK_HEIGHT);
        ctx.globalAlpha = 1;
      }
      runX0 = runX1 = NaN;
    };
    const { taskStarts, taskEnds, tasks } = items;
    const at = f.at ?? Infinity;
    for (let i = from; i < to; i++) {
      // Only spans open when the index was built are read from the objects (they may have ended since).
      let e = taskEnds[i]!;
      if (Number.isNaN(e)) e = tasks[i]!.end ?? NaN;
      const end = e <= at ? e : openEnd;
      if (end < a0) continue;
      const x0 = X(taskStarts[i]!);
      const x1 = X(end);
      if (x1 - x0 < 2 && (sel === undefined || tasks[i] !== sel)) {
        if (x0 <= runX1 + 1) runX1 = Math.max(runX1, x1);
        else {
          if (!Number.isNaN(runX0)) flushRun();
          runX0 = x0;
          runX1 = x1;
        }
        continue;
      }
      if (!Number.isNaN(runX0)) flushRun();
      const t = tasks[i]!;
      this.drawTask(ctx, f, t, x0, x1, y, w, t === sel);
    }
    if (!Number.isNaN(runX0)) flushRun();

    const [m0, m1] = visibleMarks(items, a0, a1);
    let lastX = -Infinity;
    const { markTs } = items;
    const selectedEvent = f.selection?.kind === 'event' ? f.selection.event : undefined;
    for (let i = m0; i < m1; i++) {
      const x = Math.round(X(markTs[i]!));
      const selected = selectedEvent !== undefined && selectedEvent === items.marks[i]!.event;
      if (x === lastX && !selected) continue;
      lastX = x;
      const e = items.marks[i]!.event;
      if (e.kind === 'error') {
        ctx.fillStyle = th.failure;
        ctx.beginPath();
        ctx.moveTo(x, y + 1);
        ctx.lineTo(x + 4, y + 7);
        ctx.lineTo(x - 4, y + 7);
        ctx.closePath();
        ctx.fill();
      } else {
        ctx.fillStyle = e.stream === 'stderr' ? th.stderr : th.stdout;
        ctx.globalAlpha = 0.8;
        ctx.fillRect(x - 0.5, y + 1, 1.5, MARK_HEIGHT);
        ctx.globalAlpha = 1;
      }
      if (selected) {
        ctx.strokeStyle = th.selection;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 4, y, 8, MARK_HEIGHT + 3);
        ctx.lineWidth = 1;
      }
    }
  }

  private drawTask(ctx: CanvasRenderingContext2D, f: FrameInput, t: TaskSpan, x0: number, x1: number, y: number, w: number, selected: boolean): void {
    const th = f.theme;
    const cx0 = Math.max(x0, -1);
    const cx1 = Math.min(x1, w + 1);
    // Colour by task id: neighbouring tasks of the same function stay distinguishable.
    const color = t.ok === false ? th.failure : th.taskPalette[t.taskId % th.taskPalette.length]!;
    ctx.fillStyle = color;
    ctx.globalAlpha = t.end === undefined ? 0.6 : 0.9;
    ctx.fillRect(cx0, y + TASK_TOP, Math.max(1, cx1 - cx0), TASK_HEIGHT);
    ctx.globalAlpha = 1;
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

  private drawMessages(ctx: CanvasRenderingContext2D, f: FrameInput, X: (t: number) => number, w: number, h: number, a0: number, a1: number, limit: number): void {
    const th = f.theme;
    const [from, to] = visibleMessages(f.index, a0, a1);
    const dense = to - from > 3000;
    // Per row pair (and per sender for stubs): the last arrow's rounded ends; a Set of keys for
    // very many rows, where that table would be too big.
    const nRows = f.rows.length;
    const pairs = nRows * nRows;
    const lastSeen = dense && nRows <= MAX_PAIR_TABLE_ROWS ? this.pairTable(2 * (pairs + nRows)) : undefined;
    const seen = dense && !lastSeen ? new Set<number>() : undefined;
    const selected = f.selection?.kind === 'message' ? f.selection.message : undefined;
    const selectedPid = f.selection?.kind === 'process' ? f.selection.pid : undefined;
    const paths: Record<'queue' | 'pipe', Path2D> = { queue: new Path2D(), pipe: new Path2D() };
    const heads: Record<'queue' | 'pipe', Path2D> = { queue: new Path2D(), pipe: new Path2D() };
    const inflight = new Path2D();
    const highlighted: MessageArrow[] = [];
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
        // Many arrows share the same pixels when zoomed out; draw each distinct one once. Messages
        // come in time order, so a repeat is the previous arrow between the same two rows.
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
      if (flying) {
        inflight.moveTo(x0, y0);
        inflight.lineTo(x1, y1);
        continue;
      }
      const p = paths[m.channel];
      p.moveTo(x0, y0);
      p.lineTo(x1, y1);
      if (!dense && Math.hypot(x1 - x0, y1 - y0) > 10) addHead(heads[m.channel], x0, y0, x1, y1);
    }
    ctx.lineWidth = 1;
    for (const ch of ['queue', 'pipe'] as const) {
      ctx.strokeStyle = ch === 'queue' ? th.queue : th.pipe;
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
    // Highlighted arrows (the selection, or the selected process's messages) on top, thicker.
    for (const m of highlighted) {
      const geo = arrowGeometry(f, m, X, limit)!;
      ctx.strokeStyle = m === selected ? th.selection : m.channel === 'queue' ? th.queue : th.pipe;
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

    // Arrows: nearest within the slop.
    let best: MessageArrow | undefined;
    let bestD = PICK_SLOP;
    const [from, to] = visibleMessages(f.index, f.origin + v.t0, f.origin + v.t1);
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
      if (yIn >= TASK_TOP && yIn <= TASK_TOP + TASK_HEIGHT) {
        const t = f.origin + v.t0 + px / k;
        const [t0, t1] = visibleTasks(items, t, Math.min(t, limit));
        for (let i = t1 - 1; i >= t0; i--) {
          const s = items.tasks[i]!;
          const end = s.end ?? f.now;
          if (s.start! <= t && t <= Math.max(end, s.start! + PICK_SLOP / k)) return { kind: 'task', task: s };
        }
      }
    }
    return { kind: 'process', pid: r.pid, ...(r.kind === 'thread' ? { tid: r.tid } : {}) };
  }
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
