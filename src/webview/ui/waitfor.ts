// The wait-for view: a short list above the timeline of who waits for whom at the shown time
// (layout/waitfor.ts computes it). Hidden while nobody waits. Built with textContent only: names
// come from the user's program.

import type { WaitSpan } from '../../trace/model';
import type { Selection } from '../selection';
import { formatDuration, formatOffset } from '../layout/ticks';
import type { SatisfierRole, WaitForEntry } from '../layout/waitfor';
import { t, type StringKey } from '../strings';

/** More blocked threads than this are summarized in one line ("+N more"). */
const MAX_ENTRIES = 40;

const ROLE_WORDS: Record<SatisfierRole, StringKey> = {
  holder: 'roleHolder',
  otherEnd: 'roleOtherEnd',
  producer: 'roleProducer',
  consumer: 'roleConsumer',
  child: 'roleChild',
  worker: 'roleWorker',
  manager: 'roleManager',
  setter: 'roleSetter',
  party: 'roleParty',
};

export interface WaitForViewInput {
  entries: readonly WaitForEntry[];
  /** The moment shown (µs epoch) and the trace origin, for the heading and the durations. */
  at: number;
  origin: number;
  replay: boolean;
  select(s: Selection): void;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

export class WaitForView {
  readonly el: HTMLElement;
  private sig = '';

  constructor() {
    this.el = h('section', 'waitfor');
    this.el.setAttribute('aria-label', t('waitForTitle'));
    this.el.dataset.testid = 'waitfor';
    this.el.hidden = true;
  }

  update(input: WaitForViewInput): void {
    const { entries, at, origin } = input;
    const dur = (w: WaitSpan) => formatDuration(Math.max(0, at - w.start));
    // Rebuilt only when what it says changed (a live run updates it several times a second).
    const sig = `${input.replay ? formatOffset(at - origin) : ''}|${entries
      .slice(0, MAX_ENTRIES)
      .map((e) => `${e.wait.pid}:${e.wait.tid ?? 0}:${e.wait.waitId}:${dur(e.wait)}:${e.barrier?.arrived ?? ''}:${e.satisfiers.map((s) => `${s.pid}:${s.tid ?? 0}:${s.role}:${s.alive}:${s.blockedIn?.waitId ?? ''}`).join(',')}`)
      .join(';')}|${entries.length}`;
    if (sig === this.sig) return;
    this.sig = sig;
    this.el.hidden = entries.length === 0;
    this.el.replaceChildren();
    if (entries.length === 0) return;
    this.el.appendChild(h('h3', undefined, input.replay ? t('waitForAt', formatOffset(at - origin)) : t('waitForTitle')));
    const ul = h('ul');
    for (const e of entries.slice(0, MAX_ENTRIES)) {
      const li = h('li');
      li.dataset.waiterPid = String(e.wait.pid);
      if (e.wait.tid) li.dataset.waiterTid = String(e.wait.tid);
      li.dataset.waitsIn = e.label;
      const who = h('button', 'link', e.name);
      who.addEventListener('click', () => input.select({ kind: 'process', pid: e.wait.pid, ...(e.wait.tid ? { tid: e.wait.tid } : {}) }));
      const arrived = e.barrier ? ` (${t('waitForArrived', e.barrier.arrived, e.barrier.parties)})` : '';
      const what = h('button', 'link', `${e.label}${arrived} · ${dur(e.wait)}`);
      what.addEventListener('click', () => input.select({ kind: 'wait', wait: e.wait }));
      li.append(who, document.createTextNode(` ${t('waitForWaitsIn')} `), what, document.createTextNode(' → '));
      if (e.satisfiers.length === 0) li.appendChild(h('span', 'hint', t('waitForNobody', e.object)));
      e.satisfiers.forEach((s, i) => {
        if (i > 0) li.appendChild(document.createTextNode(', '));
        const span = h('span', s.alive ? (s.blockedIn ? 'satisfier blocked' : 'satisfier') : 'satisfier ended');
        span.dataset.pid = String(s.pid);
        span.dataset.role = s.role;
        span.dataset.alive = String(s.alive);
        const b = h('button', 'link', s.name);
        b.addEventListener('click', () => input.select({ kind: 'process', pid: s.pid, ...(s.tid ? { tid: s.tid } : {}) }));
        const state = !s.alive ? t('waitForEnded') : s.blockedIn ? t('waitForBlocked', entries.find((x) => x.wait === s.blockedIn)?.label ?? s.blockedIn.op) : t('running');
        span.append(b, document.createTextNode(` (${t(ROLE_WORDS[s.role])}; ${state})`));
        li.appendChild(span);
      });
      ul.appendChild(li);
    }
    this.el.appendChild(ul);
    if (entries.length > MAX_ENTRIES) this.el.appendChild(h('p', 'hint', t('waitForMore', entries.length - MAX_ENTRIES)));
  }
}
