// The process tree: one DOM row per process (and thread), in the same order and height as the
// timeline lanes. Rows are keyed and updated in place, so a live run does not rebuild the list.
// DOM contract used by other tests: role=treeitem rows with data-pid and data-ppid (processes);
// thread rows carry data-thread-pid and data-tid instead, so `[data-pid]` counts processes.

import { formatDuration, formatOffset } from '../layout/ticks';
import { rowKey, type Row } from '../layout/lanes';
import { processStateAt, threadStateAt, isFailure, type ProcessState } from '../layout/replay';
import { t } from '../strings';

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
}

export interface TreeCallbacks {
  select(pid: number, tid: number | undefined): void;
}

export class TreeView {
  private readonly rows = new Map<string, RowEl>();
  private order: string[] = [];
  private focusedKey: string | undefined;

  constructor(
    readonly el: HTMLElement,
    private readonly cb: TreeCallbacks,
  ) {
    el.setAttribute('role', 'tree');
    el.setAttribute('aria-label', t('tree'));
    el.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
      if (row) this.activate(row);
    });
    el.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  /**
   * Brings the DOM in line with `rows`. `at` is the replay time (undefined: latest state), `origin`
   * the trace start, `now` the end used for running processes' duration.
   */
  update(rows: readonly Row[], at: number | undefined, origin: number, now: number, selected: { pid: number; tid?: number } | undefined): void {
    const keys = rows.map(rowKey);
    const keep = new Set(keys);
    for (const [k, r] of this.rows) {
      if (!keep.has(k)) {
        r.el.remove();
        this.rows.delete(k);
      }
    }
    let prev: HTMLElement | null = null;
    rows.forEach((r, i) => {
      const k = keys[i]!;
      let re = this.rows.get(k);
      if (!re) {
        re = this.createRow(r);
        this.rows.set(k, re);
      }
      this.fill(re, r, at, origin, now, selected);
      // Keep DOM order equal to row order (insert only when out of place).
      const want = prev ? prev.nextElementSibling : this.el.firstElementChild;
      if (want !== re.el) this.el.insertBefore(re.el, want);
      prev = re.el;
    });
    this.order = keys;
    // Exactly one row is in the tab order (roving tabindex).
    const focusKey = this.focusedKey && this.rows.has(this.focusedKey) ? this.focusedKey : keys[0];
    for (const [k, r] of this.rows) r.el.tabIndex = k === focusKey ? 0 : -1;
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
    return { el, name: label, state, start, dur, icon, sig: '' };
  }

  private fill(re: RowEl, r: Row, at: number | undefined, origin: number, now: number, selected: { pid: number; tid?: number } | undefined): void {
    const s = r.thread ? threadStateAt(r.thread, at) : processStateAt(r.process, at);
    const name = r.thread ? r.thread.name : r.process.name;
    const start = r.thread ? r.thread.start : r.process.start;
    const end = s.kind === 'running' ? (at ?? now) : ((r.thread ? r.thread.end : r.process.end) ?? now);
    const isSel = selected !== undefined && selected.pid === r.pid && selected.tid === r.tid;
    const stateText = describeState(s);
    const dur = formatDuration(end - start);
    const sig = `${name}|${stateText}|${dur}|${isSel}|${r.process.ppid}|${start - origin}`;
    if (sig === re.sig) return;
    re.sig = sig;
    re.name.textContent = name;
    re.state.textContent = stateText;
    re.start.textContent = formatOffset(start - origin);
    re.dur.textContent = dur;
    if (r.kind === 'process') re.el.dataset.ppid = String(r.process.ppid);
    re.el.dataset.state = s.kind;
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
    if (ev.key === 'ArrowDown') next = Math.min(this.order.length - 1, i + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = this.order.length - 1;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      this.activate(cur);
      ev.preventDefault();
      return;
    } else return;
    ev.preventDefault();
    const target = this.rows.get(this.order[next]!)?.el;
    if (target) {
      target.focus();
      this.activate(target);
    }
  }
}
