// The process tree: one row per process (and thread), in the same order and height as the
// timeline lanes. Virtualized: only the rows in the scroller's visible band (plus a margin) are in
// the DOM, absolutely placed at their index, so a run with hundreds of processes costs a layout of
// a few dozen rows, not of all of them. Rows are keyed and updated in place (a live run does not
// rebuild the list) and written only when their text changed.
// DOM contract used by other tests: role=treeitem rows with data-pid and data-ppid (processes);
// thread rows carry data-thread-pid and data-tid instead, so `[data-pid]` counts the processes
// in view (all of them when they fit); the tree element's data-rows holds the total.

import { ROW_HEIGHT } from '../layout/geometry';
import { formatDuration, formatOffset } from '../layout/ticks';
import { rowKey, type Row } from '../layout/lanes';
import { processStateAt, threadStateAt, isFailure, type ProcessState } from '../layout/replay';
import { t } from '../strings';
import type { WaitSpan } from '../../trace/model';
import type { ObjectNames } from '../layout/waits';

export function describeState(s: ProcessState): string {
  switch (s.kind) {
    case 'pending':
      return t('pending');
    case 'running':
      return t('running');
    case 'exited':
      return t('exited', s.code ?? '?');
    case 'killed':
      return t('killed', s.signal);
  }
}

interface RowEl {
  el: HTMLElement;
  name: HTMLElement;
  state: HTMLElement;
  start: HTMLElement;
  dur: HTMLElement;
  icon: HTMLElement;
  sig: string;
  /** Row index it is placed at. */
  index: number;
}

export interface TreeCallbacks {
  select(pid: number, tid: number | undefined): void;
}

/** Rows kept in the DOM above and below the visible band, so short scrolls need no new rows. */
const OVERSCAN = 12;

interface RowInput {
  at: number | undefined;
  origin: number;
  now: number;
  selected: { pid: number; tid?: number } | undefined;
  blocked: Blocked | undefined;
}

/** What each lane is blocked in at the shown time, and the names to say it with. */
export interface Blocked {
  names: ObjectNames;
  waiting: ReadonlyMap<string, WaitSpan>;
}

export class TreeView {
  /** Rows in the DOM now, by key. */
  private readonly rows = new Map<string, RowEl>();
  private all: readonly Row[] = [];
  private order: string[] = [];
  private input: RowInput = { at: undefined, origin: 0, now: 0, selected: undefined, blocked: undefined };
  private focusedKey: string | undefined;
  private band: [number, number] = [0, -1];
  private scrollTop = 0;
  private height = 0;
  private widths = '';
  /** The start and duration columns' titles, measured (px, padding included) once laid out. */
  private readonly titleMin = { start: 0, dur: 0 };

  constructor(
    readonly el: HTMLElement,
    private readonly cb: TreeCallbacks,
    /** The element that scrolls the tree (the shared tree + timeline scroller). */
    private readonly scroller: HTMLElement,
  ) {
    el.setAttribute('role', 'tree');
    el.setAttribute('aria-label', t('tree'));
    el.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
      if (!row) return;
      // Keys continue from the clicked row.
      if (document.activeElement !== row) row.focus({ preventScroll: true });
      this.activate(row);
    });
    el.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  /**
   * New rows or states. `at` is the replay time (undefined: latest state), `origin` the trace
   * start, `now` the end used for running processes' duration.
   */
  update(rows: readonly Row[], at: number | undefined, origin: number, now: number, selected: { pid: number; tid?: number } | undefined, blocked?: Blocked): void {
    this.all = rows;
    this.order = rows.map(rowKey);
    this.input = { at, origin, now, selected, blocked };
    this.el.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.el.dataset.rows = String(rows.length);
    this.sizeColumns();
    this.band = [0, -1];
    this.render();
  }

  /** The scroller moved or resized: bring the rows in view into the DOM (cheap when none changed). */
  viewport(scrollTop: number, height: number): void {
    this.scrollTop = scrollTop;
    this.height = height;
    this.render();
  }

  /**
   * The start and duration columns are as wide as their longest value (in ch of tabular digits),
   * so no value is cut ("+3.9 …"), and never narrower than their title ("DURATION" over "5 ms");
   * the header uses the same widths (its cells have the rows' font size, so 1ch is the same).
   */
  private sizeColumns(): void {
    let start = 5;
    let dur = 5;
    const { origin, now } = this.input;
    for (const r of this.all) {
      const s = r.thread ? r.thread.start : r.process.start;
      const e = (r.thread ? r.thread.end : r.process.end) ?? now;
      start = Math.max(start, formatOffset(s - origin).length);
      dur = Math.max(dur, formatDuration(e - s).length);
    }
    const host = this.el.parentElement ?? this.el;
    for (const k of ['start', 'dur'] as const) {
      if (this.titleMin[k]) continue;
      // 0 while the column is hidden (a narrow tree): measured once it shows.
      const w = host.querySelector<HTMLElement>(`.tree-header .cell.${k} .title`)?.offsetWidth ?? 0;
      if (w) {
        this.titleMin[k] = w + 10;
        host.style.setProperty(`--${k}-min`, `${w + 10}px`);
      }
    }
    const widths = `${start}|${dur}`;
    if (widths === this.widths) return;
    this.widths = widths;
    host.style.setProperty('--start-ch', String(start));
    host.style.setProperty('--dur-ch', String(dur));
  }

  private render(): void {
    const n = this.all.length;
    const first = Math.max(0, Math.floor(this.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n - 1, Math.ceil((this.scrollTop + Math.max(this.height, ROW_HEIGHT)) / ROW_HEIGHT) + OVERSCAN);
    if (first === this.band[0] && last === this.band[1]) return;
    this.band = [first, last];
    // The focused row stays in the DOM even when scrolled away, so keyboard focus is not lost.
    const focusIndex = this.focusedKey !== undefined ? this.order.indexOf(this.focusedKey) : -1;
    const want = new Set<string>();
    for (let i = first; i <= last; i++) want.add(this.order[i]!);
    if (focusIndex >= 0) want.add(this.order[focusIndex]!);
    for (const [k, r] of this.rows) {
      if (!want.has(k)) {
        r.el.remove();
        this.rows.delete(k);
      }
    }
    const place = (i: number) => {
      const r = this.all[i]!;
      const k = this.order[i]!;
      let re = this.rows.get(k);
      if (!re) {
        re = this.createRow(r);
        this.rows.set(k, re);
        this.el.appendChild(re.el);
      }
      if (re.index !== i) {
        re.index = i;
        re.el.style.top = `${i * ROW_HEIGHT}px`;
        re.el.classList.toggle('odd', i % 2 === 1);
      }
      this.fill(re, r, k, this.input);
    };
    for (let i = first; i <= last; i++) place(i);
    if (focusIndex >= 0 && (focusIndex < first || focusIndex > last)) place(focusIndex);
    // Exactly one row is in the tab order (roving tabindex).
    const focusKey = focusIndex >= 0 ? this.focusedKey : this.order[first];
    for (const [k, r] of this.rows) {
      // By attribute: a div without one already reports tabIndex -1, yet is not focusable.
      const ti = k === focusKey ? '0' : '-1';
      if (r.el.getAttribute('tabindex') !== ti) r.el.setAttribute('tabindex', ti);
    }
  }

  private createRow(r: Row): RowEl {
    const el = document.createElement('div');
    el.className = 'row';
    el.setAttribute('role', 'treeitem');
    if (r.kind === 'process') {
      el.dataset.pid = String(r.pid);
      el.dataset.ppid = String(r.process.ppid);
    } else {
      el.dataset.threadPid = String(r.pid);
      el.dataset.tid = String(r.tid);
      el.classList.add('thread');
    }
    const cell = (cls: string, text = '') => {
      const c = document.createElement('span');
      c.className = `cell ${cls}`;
      c.textContent = text;
      el.appendChild(c);
      return c;
    };
    const name = cell('name');
    name.style.paddingLeft = `${4 + r.depth * 14}px`;
    const icon = document.createElement('i');
    icon.setAttribute('aria-hidden', 'true');
    name.appendChild(icon);
    const label = document.createElement('span');
    label.className = 'label';
    name.appendChild(label);
    cell('pid', r.kind === 'process' ? String(r.pid) : `tid ${r.tid}`);
    cell('ppid', r.kind === 'process' ? String(r.process.ppid) : '');
    const state = cell('state');
    const start = cell('start');
    const dur = cell('dur');
    return { el, name: label, state, start, dur, icon, sig: '', index: -1 };
  }

  private fill(re: RowEl, r: Row, key: string, { at, origin, now, selected, blocked }: RowInput): void {
    const s = r.thread ? threadStateAt(r.thread, at) : processStateAt(r.process, at);
    // A running thread blocked in a call says so: "waiting: Queue#1.get · 1.2 s".
    const wait = s.kind === 'running' ? blocked?.waiting.get(key) : undefined;
    const name = r.thread ? r.thread.name : r.process.name;
    const start = r.thread ? r.thread.start : r.process.start;
    const end = s.kind === 'running' ? (at ?? now) : ((r.thread ? r.thread.end : r.process.end) ?? now);
    const isSel = selected !== undefined && selected.pid === r.pid && selected.tid === r.tid;
    const stateText = wait ? t('waitingState', blocked!.names.waitLabel(wait), formatDuration(Math.max(0, (at ?? now) - wait.start))) : describeState(s);
    const dur = formatDuration(end - start);
    const sig = `${name}|${stateText}|${dur}|${isSel}|${r.process.ppid}|${start - origin}`;
    if (sig === re.sig) return;
    re.sig = sig;
    re.name.textContent = name;
    if (wait) {
      // "waiting: Queue#1.get · " may be cut (the column is 126 px), the time never is: the call
      // ellipsizes, the duration keeps its room. The whole text stays in the tooltip and label.
      const [call, time] = t('waitingState', blocked!.names.waitLabel(wait), '\u0000').split('\u0000') as [string, string?];
      const box = document.createElement('span');
      box.className = 'wait-state';
      const what = document.createElement('span');
      what.className = 'wait-call';
      what.textContent = call;
      const howLong = document.createElement('span');
      howLong.className = 'wait-time';
      howLong.textContent = `${formatDuration(Math.max(0, (at ?? now) - wait.start))}${time ?? ''}`;
      box.append(what, howLong);
      re.state.replaceChildren(box);
    } else re.state.textContent = stateText;
    re.start.textContent = formatOffset(start - origin);
    re.dur.textContent = dur;
    if (r.kind === 'process') re.el.dataset.ppid = String(r.process.ppid);
    re.el.dataset.state = s.kind;
    if (wait) re.el.dataset.waiting = blocked!.names.waitLabel(wait);
    else delete re.el.dataset.waiting;
    re.el.classList.toggle('failed', isFailure(s));
    re.el.setAttribute('aria-level', String(r.depth + 1));
    re.el.setAttribute('aria-selected', String(isSel));
    re.icon.className = `codicon ${r.kind === 'thread' ? 'codicon-debug-line-by-line' : s.kind === 'running' ? 'codicon-server-process' : isFailure(s) ? 'codicon-error' : 'codicon-pass'}`;
    const label =
      r.kind === 'process' ? `${name}, pid ${r.pid}, ppid ${r.process.ppid}, ${stateText}, ${dur}` : `${name}, ${t('thread', r.tid ?? 0)}, pid ${r.pid}, ${stateText}, ${dur}`;
    re.el.setAttribute('aria-label', label);
    // The same words as a tooltip: a narrow panel hides some columns.
    re.el.title = label;
  }

  private activate(row: HTMLElement): void {
    const pid = Number(row.dataset.pid ?? row.dataset.threadPid);
    const tid = row.dataset.tid !== undefined ? Number(row.dataset.tid) : undefined;
    this.focusedKey = tid !== undefined ? `${pid}:${tid}` : `${pid}`;
    for (const r of this.rows.values()) r.el.tabIndex = r.el === row ? 0 : -1;
    this.cb.select(pid, tid);
  }

  private onKey(ev: KeyboardEvent): void {
    const cur = (ev.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!cur) return;
    const i = this.order.findIndex((k) => this.rows.get(k)?.el === cur);
    let next = i;
    const page = Math.max(1, Math.floor(this.height / ROW_HEIGHT) - 1);
    if (ev.key === 'ArrowDown') next = Math.min(this.order.length - 1, i + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (ev.key === 'PageDown') next = Math.min(this.order.length - 1, i + page);
    else if (ev.key === 'PageUp') next = Math.max(0, i - page);
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = this.order.length - 1;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      this.activate(cur);
      ev.preventDefault();
      return;
    } else return;
    ev.preventDefault();
    if (next < 0) return;
    this.reveal(next);
    const target = this.rows.get(this.order[next]!)?.el;
    if (target) {
      target.focus({ preventScroll: true });
      this.activate(target);
    }
  }

  /** Scrolls row `i` into view and puts it in the DOM now (a virtualized row may not be there yet). */
  reveal(i: number): void {
    const top = i * ROW_HEIGHT;
    const sc = this.scroller;
    // The sticky header row covers the top of the scroller.
    const header = this.el.offsetTop;
    if (top < sc.scrollTop) sc.scrollTop = top;
    else if (top + ROW_HEIGHT > sc.scrollTop + sc.clientHeight - header) sc.scrollTop = top + ROW_HEIGHT - (sc.clientHeight - header);
    this.viewport(sc.scrollTop, sc.clientHeight);
  }

  /** Index of a row by key (process "pid" or thread "pid:tid"); -1 when it has none. */
  indexOf(key: string): number {
    return this.order.indexOf(key);
  }
}
