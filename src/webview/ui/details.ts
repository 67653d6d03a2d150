// The details pane: what the selection is and what happened to it. Built with textContent only —
// every string here may come from a user's program.

import type { ChannelKind, SourceLocation, TraceEvent } from '../../trace/events';
import type { HoldSpan, MessageArrow, TaskSpan, TraceModel, WaitSpan } from '../../trace/model';
import type { WaitOutcome } from '../../trace/events';
import { covers, occupantsAt, type ObjectNames } from '../layout/waits';
import { processStateAt, isFailure } from '../layout/replay';
import { formatDuration, formatOffset } from '../layout/ticks';
import type { Selection } from '../selection';
import { t, type StringKey } from '../strings';
import { describeState } from './tree';
import { laneKey } from '../layout/lanes';
import { selectionEvents } from '../describe';

export interface DetailsContext {
  model: TraceModel;
  /** Events in time order (to find the events behind a span or an arrow). */
  events: readonly TraceEvent[];
  origin: number;
  at: number | undefined;
  now: number;
  select(s: Selection): void;
  /** Undefined when there is no editor to jump to (the HTML report). */
  openSource: ((loc: SourceLocation) => void) | undefined;
  /** People's names for objects ("Queue#1"). */
  names: ObjectNames;
  /** The wait each lane is blocked in at the shown time (laneKey → wait). */
  waiting: ReadonlyMap<string, WaitSpan>;
}

const MAX_OUTPUT_LINES = 2000;
const MAX_MESSAGES = 500;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

function section(parent: HTMLElement, title: string): HTMLElement {
  const s = h('section');
  s.appendChild(h('h3', undefined, title));
  parent.appendChild(s);
  return s;
}

function kv(parent: HTMLElement, pairs: [string, string][]): void {
  const dl = h('dl', 'kv');
  for (const [k, v] of pairs) {
    dl.appendChild(h('dt', undefined, k));
    dl.appendChild(h('dd', undefined, v));
  }
  parent.appendChild(dl);
}

const CHANNEL_WORDS: Record<ChannelKind, StringKey> = { queue: 'channelQueue', pipe: 'channelPipe', manager: 'channelManager' };
const channelWord = (m: MessageArrow) => t(CHANNEL_WORDS[m.channel]);

export function messageLine(m: MessageArrow, origin: number): string {
  const from = m.fromPid !== undefined ? `pid ${m.fromPid}` : '?';
  const to = m.toPid !== undefined ? `pid ${m.toPid}` : '?';
  const wait = m.sendTs !== undefined && m.recvTs !== undefined ? ` · ${t('waited', formatDuration(m.recvTs - m.sendTs), channelWord(m))}` : m.recvTs === undefined ? ` · ${t('notReceived')}` : '';
  const when = m.sendTs !== undefined ? formatOffset(m.sendTs - origin) : '';
  return `${when}  ${from} → ${to}  ${m.summary ?? ''}  (${m.channel} ${m.channelId})${wait}`;
}

export function renderDetails(root: HTMLElement, sel: Selection | undefined, ctx: DetailsContext): void {
  root.replaceChildren();
  if (!sel) {
    root.appendChild(h('p', 'hint', t('selectHint')));
    return;
  }
  switch (sel.kind) {
    case 'process':
      return renderProcess(root, sel.pid, ctx);
    case 'task':
      return renderTask(root, sel.task, ctx);
    case 'message':
      return renderMessage(root, sel.message, ctx);
    case 'event':
      return renderEvents(root, [sel.event], ctx, `${sel.event.kind} · pid ${sel.event.pid}`);
    case 'wait':
      return renderWait(root, sel.wait, ctx);
    case 'hold':
      return renderHold(root, sel.hold, ctx);
  }
}

const OUTCOME_WORDS: Record<WaitOutcome, StringKey> = { ok: 'outcomeOk', timeout: 'outcomeTimeout', error: 'outcomeError', interrupted: 'outcomeInterrupted' };

/** "Process-2 (pid 12)", "Thread-1 (pid 12, thread 3)". */
function who(model: TraceModel, pid: number, tid: number | undefined): string {
  const p = model.processes.get(pid);
  const thread = tid ? p?.threads.find((x) => x.tid === tid) : undefined;
  return thread ? `${thread.name} (pid ${pid}, ${t('thread', tid!)})` : `${p?.name ?? '?'} (pid ${pid})`;
}

/** "waiting: Queue#1.get · 1.2 s" — a thread's live state while it is blocked. */
export function waitingState(names: ObjectNames, w: WaitSpan, at: number): string {
  return t('waitingState', names.waitLabel(w), formatDuration(Math.max(0, at - w.start)));
}

function sourceButton(parent: HTMLElement, loc: SourceLocation | undefined, ctx: DetailsContext): void {
  if (!loc) return;
  const where = `${basename(loc.file)}:${loc.line}${loc.column ? `:${loc.column}` : ''}`;
  if (!ctx.openSource) {
    parent.appendChild(h('p', 'hint', where));
    return;
  }
  const b = h('button', 'source');
  b.type = 'button';
  const icon = h('i', 'codicon codicon-go-to-file');
  icon.setAttribute('aria-hidden', 'true');
  b.append(icon, document.createTextNode(` ${t('goToSource', where)}`));
  b.title = loc.file;
  b.addEventListener('click', () => ctx.openSource!(loc));
  parent.appendChild(b);
}

function linkList(parent: HTMLElement, items: { text: string; pick: Selection }[], ctx: DetailsContext): void {
  const ul = h('ul', 'messages');
  for (const it of items.slice(0, MAX_MESSAGES)) {
    const li = h('li');
    const b = h('button', 'link', it.text);
    b.addEventListener('click', () => ctx.select(it.pick));
    li.appendChild(b);
    ul.appendChild(li);
  }
  parent.appendChild(ul);
}

function renderWait(root: HTMLElement, w: WaitSpan, ctx: DetailsContext): void {
  const label = ctx.names.waitLabel(w);
  const objLabel = ctx.names.label(w.objKind, w.objId);
  root.appendChild(h('h2', undefined, t('waitTitle', label)));
  const limit = ctx.at ?? Infinity;
  const done = w.end !== undefined && w.end <= limit;
  const pairs: [string, string][] = [
    [t('kObject'), `${objLabel} (${w.objKind} ${w.objId})`],
    [t('kOp'), w.op],
    [t('kWho'), who(ctx.model, w.pid, w.tid)],
    [t('kBegan'), formatOffset(w.start - ctx.origin)],
    [t('kWaited'), done ? formatDuration(w.end! - w.start) : t('stillWaiting', formatDuration(Math.max(0, (ctx.at ?? ctx.now) - w.start)))],
    [t('kEnded'), done && w.outcome ? t(OUTCOME_WORDS[w.outcome]) : t('outcomeOpen')],
  ];
  if (w.timeoutMs !== undefined) pairs.push([t('kTimeout'), formatDuration(w.timeoutMs * 1000)]);
  if (w.parties !== undefined) pairs.push([t('kParties'), String(w.parties)]);
  kv(root, pairs);
  sourceButton(root, w.loc, ctx);
  // Who held it, and who else waited, at the moment shown (the replay time inside the wait, else when it began).
  const moment = ctx.at !== undefined && covers(w, ctx.at) ? ctx.at : w.start;
  const { holders, waiters } = occupantsAt(ctx.model, w.objId, moment);
  const others = section(root, t('atThatMoment', formatOffset(moment - ctx.origin)));
  const mine = (s: { pid: number; tid?: number }) => s.pid === w.pid && (s.tid ?? 0) === (w.tid ?? 0);
  const hs = holders.filter((x) => !mine(x));
  const ws = waiters.filter((x) => x !== w);
  if (hs.length === 0 && ws.length === 0) others.appendChild(h('p', 'hint', t('nobodyElse', objLabel)));
  if (hs.length) {
    others.appendChild(h('p', undefined, t('heldBy', objLabel)));
    linkList(others, hs.map((x) => ({ text: `${who(ctx.model, x.pid, x.tid)} · ${t('since', formatOffset(x.start - ctx.origin))}`, pick: { kind: 'hold', hold: x } })), ctx);
  }
  if (ws.length) {
    others.appendChild(h('p', undefined, t('alsoWaiting', objLabel)));
    linkList(others, ws.map((x) => ({ text: `${who(ctx.model, x.pid, x.tid)} · ${ctx.names.waitLabel(x)} · ${t('since', formatOffset(x.start - ctx.origin))}`, pick: { kind: 'wait', wait: x } })), ctx);
  }
  renderEventList(root, selectionEvents({ kind: 'wait', wait: w }, ctx.events), ctx);
}

function renderHold(root: HTMLElement, hd: HoldSpan, ctx: DetailsContext): void {
  const objLabel = ctx.names.label(hd.objKind, hd.objId);
  const run = hd.count !== undefined && hd.count > 1;
  root.appendChild(h('h2', undefined, run ? t('holdRunTitle', objLabel, hd.count!.toLocaleString('en')) : t('holdTitle', objLabel)));
  const limit = ctx.at ?? Infinity;
  const done = hd.end !== undefined && hd.end <= limit;
  const end = done ? hd.end! : (ctx.at ?? ctx.now);
  const pairs: [string, string][] = [
    [t('kObject'), `${objLabel} (${hd.objKind} ${hd.objId})`],
    [t('kWho'), who(ctx.model, hd.pid, hd.tid)],
    [t('kAcquired'), formatOffset(hd.start - ctx.origin)],
  ];
  if (run) {
    // A run: n holds in a row, written as one entry (hold.spans [a, b, n]); not one long hold.
    pairs.push([t('kHolds'), hd.count!.toLocaleString('en')]);
    if (done) pairs.push([t('kLastReleased'), formatOffset(hd.end! - ctx.origin)], [t('kRunSpan'), formatDuration(hd.end! - hd.start)]);
  } else pairs.push([t('kHeld'), done ? formatDuration(hd.end! - hd.start) : t('stillHeld', formatDuration(Math.max(0, end - hd.start)))]);
  if (hd.interrupted) pairs.push([t('kEnded'), t('holdInterrupted')]);
  kv(root, pairs);
  if (run) root.appendChild(h('p', 'hint', t('holdRunHint', hd.count!.toLocaleString('en'), objLabel)));
  sourceButton(root, hd.loc, ctx);
  // Everyone who waited for it while this thread held it, and other holders (a semaphore's units).
  const waiters = ctx.model.waits.filter((x) => x.objId === hd.objId && x.start < end && (x.end ?? Infinity) > hd.start && x.start <= limit);
  const { holders } = occupantsAt(ctx.model, hd.objId, ctx.at !== undefined && covers(hd, ctx.at) ? ctx.at : hd.start);
  const hs = holders.filter((x) => !(x.pid === hd.pid && (x.tid ?? 0) === (hd.tid ?? 0)));
  const others = section(root, t('whileHeld'));
  if (hs.length === 0 && waiters.length === 0) others.appendChild(h('p', 'hint', t('nobodyWaited', objLabel)));
  if (waiters.length) {
    others.appendChild(h('p', undefined, t('waitedForIt', objLabel)));
    linkList(others, waiters.map((x) => ({ text: `${who(ctx.model, x.pid, x.tid)} · ${ctx.names.waitLabel(x)} · ${t('since', formatOffset(x.start - ctx.origin))}`, pick: { kind: 'wait', wait: x } })), ctx);
  }
  if (hs.length) {
    others.appendChild(h('p', undefined, t('alsoHeldBy', objLabel)));
    linkList(others, hs.map((x) => ({ text: `${who(ctx.model, x.pid, x.tid)} · ${t('since', formatOffset(x.start - ctx.origin))}`, pick: { kind: 'hold', hold: x } })), ctx);
  }
  renderEventList(root, selectionEvents({ kind: 'hold', hold: hd }, ctx.events), ctx);
}

function renderProcess(root: HTMLElement, pid: number, ctx: DetailsContext): void {
  const p = ctx.model.processes.get(pid);
  if (!p) return;
  const limit = ctx.at ?? Infinity;
  const state = processStateAt(p, ctx.at);
  root.appendChild(h('h2', undefined, `${p.name} — pid ${p.pid}, ppid ${p.ppid}`));
  const end = state.kind === 'running' ? (ctx.at ?? ctx.now) : (p.end ?? ctx.now);
  const ended = section(root, t('howEnded'));
  const stateEl = h('p', isFailure(state) ? 'state failed' : 'state', `${describeState(state)} · ${formatOffset(p.start - ctx.origin)} · ${formatDuration(end - p.start)}`);
  ended.appendChild(stateEl);
  const blocked = ctx.waiting.get(laneKey(pid));
  if (blocked && state.kind === 'running') {
    const line = h('p', 'waiting');
    const b = h('button', 'link', waitingState(ctx.names, blocked, ctx.at ?? ctx.now));
    b.addEventListener('click', () => ctx.select({ kind: 'wait', wait: blocked }));
    line.appendChild(b);
    ended.appendChild(line);
    sourceButton(ended, blocked.loc, ctx);
  }
  for (const e of ctx.model.errors) {
    if (e.pid !== pid || e.ts > limit) continue;
    const err = h('pre', 'stderr', e.stack ?? e.message);
    ended.appendChild(err);
  }

  const out = section(root, t('stdout'));
  const lines = ctx.model.outputs.filter((o) => o.pid === pid && o.ts <= limit);
  if (lines.length === 0) out.appendChild(h('p', 'hint', t('noOutput')));
  else {
    const pre = h('pre', 'output');
    pre.setAttribute('tabindex', '0');
    pre.setAttribute('aria-label', `${t('stdout')} pid ${pid}`);
    for (const o of lines.slice(-MAX_OUTPUT_LINES)) {
      const line = h('span', o.stream, o.text.endsWith('\n') ? o.text : `${o.text}\n`);
      pre.appendChild(line);
    }
    out.appendChild(pre);
  }

  // Tasks this process ran or submitted, as buttons: the keyboard way to reach a span.
  const tasks = ctx.model.tasks.filter((k) => (k.pid === pid && (k.start ?? Infinity) <= limit) || (k.submitPid === pid && (k.submitTs ?? Infinity) <= limit));
  if (tasks.length > 0) {
    const ts = section(root, t('tasks'));
    const ul = h('ul', 'messages');
    for (const k of tasks.slice(0, MAX_MESSAGES)) {
      const li = h('li');
      const where = k.pid === pid ? t('took', k.start !== undefined && k.end !== undefined && k.end <= limit ? formatDuration(k.end - k.start) : '…') : t('ranOn', k.pid ?? '?');
      const b = h('button', 'link', `${k.start !== undefined ? formatOffset(k.start - ctx.origin) : '–'}  ${k.fn}${k.args ?? ''}  ${where}`);
      b.addEventListener('click', () => ctx.select({ kind: 'task', task: k }));
      li.appendChild(b);
      ul.appendChild(li);
    }
    ts.appendChild(ul);
  }

  const msgs = section(root, t('messages'));
  const mine = ctx.model.messages.filter((m) => (m.fromPid === pid || m.toPid === pid) && (m.sendTs ?? m.recvTs ?? Infinity) <= limit);
  if (mine.length === 0) msgs.appendChild(h('p', 'hint', t('noMessages')));
  else {
    const ul = h('ul', 'messages');
    for (const m of mine.slice(0, MAX_MESSAGES)) {
      const li = h('li');
      const b = h('button', 'link', messageLine(m, ctx.origin));
      b.addEventListener('click', () => ctx.select({ kind: 'message', message: m }));
      li.appendChild(b);
      ul.appendChild(li);
    }
    msgs.appendChild(ul);
  }
}

function renderTask(root: HTMLElement, task: TaskSpan, ctx: DetailsContext): void {
  root.appendChild(h('h2', undefined, `${t('task')} ${task.fn}${task.args ?? ''}`));
  const pairs: [string, string][] = [
    ['pool', task.poolId],
    ['taskId', String(task.taskId)],
  ];
  if (task.submitPid !== undefined) pairs.push(['submit', `pid ${task.submitPid} ${task.submitTs !== undefined ? formatOffset(task.submitTs - ctx.origin) : ''}`]);
  if (task.pid !== undefined) pairs.push(['worker', t('ranOn', task.pid) + (task.tid ? ` (${t('thread', task.tid)})` : '')]);
  if (task.submitTs !== undefined && task.start !== undefined) pairs.push(['queue', t('queuedFor', formatDuration(task.start - task.submitTs))]);
  if (task.start !== undefined && task.end !== undefined) pairs.push(['duration', t('took', formatDuration(task.end - task.start))]);
  if (task.ok === false) pairs.push(['result', t('failed', task.error ?? '?')]);
  kv(root, pairs);
  renderEventList(root, selectionEvents({ kind: 'task', task }, ctx.events), ctx);
}

function renderMessage(root: HTMLElement, m: MessageArrow, ctx: DetailsContext): void {
  root.appendChild(h('h2', undefined, `${t('message')} ${m.summary ?? m.msgId}`));
  const pairs: [string, string][] = [
    ['channel', `${m.channel} ${m.channelId}`],
    ['msgId', m.msgId],
  ];
  if (m.fromPid !== undefined) pairs.push(['send', `${t('sentBy', m.fromPid)} ${m.sendTs !== undefined ? formatOffset(m.sendTs - ctx.origin) : ''}`]);
  if (m.toPid !== undefined) pairs.push(['recv', `${t('receivedBy', m.toPid)} ${m.recvTs !== undefined ? formatOffset(m.recvTs - ctx.origin) : ''}`]);
  if (m.sendTs !== undefined && m.recvTs !== undefined) pairs.push(['wait', t('waited', formatDuration(m.recvTs - m.sendTs), channelWord(m))]);
  else pairs.push(['wait', t('notReceived')]);
  kv(root, pairs);
  renderEventList(root, selectionEvents({ kind: 'message', message: m }, ctx.events), ctx);
}

function renderEvents(root: HTMLElement, evs: TraceEvent[], ctx: DetailsContext, title: string): void {
  root.appendChild(h('h2', undefined, title));
  renderEventList(root, evs, ctx);
}

function renderEventList(root: HTMLElement, evs: readonly TraceEvent[], ctx: DetailsContext): void {
  const s = section(root, t('fields'));
  for (const e of evs) {
    const box = h('div', 'event');
    const pairs: [string, string][] = [['time', formatOffset(e.ts - ctx.origin)]];
    for (const [k, v] of Object.entries(e)) {
      if (k === 'ts' || k === 'loc') continue;
      pairs.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
    }
    kv(box, pairs);
    if (e.loc) {
      const where = `${basename(e.loc.file)}:${e.loc.line}${e.loc.column ? `:${e.loc.column}` : ''}`;
      if (ctx.openSource) {
        const b = h('button', 'source');
        b.type = 'button';
        const icon = h('i', 'codicon codicon-go-to-file');
        icon.setAttribute('aria-hidden', 'true');
        b.append(icon, document.createTextNode(` ${t('goToSource', where)}`));
        b.title = e.loc.file;
        const loc = e.loc;
        b.addEventListener('click', () => ctx.openSource!(loc));
        box.appendChild(b);
      } else box.appendChild(h('p', 'hint', where));
    }
    s.appendChild(box);
  }
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
