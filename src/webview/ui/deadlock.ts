// The deadlock banner: when the runner reports a `deadlock` event (src/runner/deadlock.ts), a banner
// above the timeline says who waits for whom, each wait with Go to source, and offers Stop while
// the run is still live. Shown from the moment of the event on (in replay, not before it).
// Built with textContent only: names and paths come from the user's program.

import type { DeadlockEvent, DeadlockWait, SourceLocation } from '../../trace/events';
import { t } from '../strings';

/** Kinds whose waits end when a holder releases (as the runner words them). */
const HELD = new Set(['lock', 'rlock', 'semaphore', 'boundedSemaphore', 'condition']);

export interface DeadlockBannerInput {
  deadlock: DeadlockEvent | undefined;
  /** True while the run can still be stopped. */
  live: boolean;
  openSource: ((loc: SourceLocation) => void) | undefined;
  stop: (() => void) | undefined;
  /** Selects the waiting process. */
  selectProcess(pid: number, tid: number | undefined): void;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** One wait in words: "Process-1 waits for Lock#2 held by Process-2". */
export function deadlockLine(w: DeadlockWait): string {
  const others = w.waitsFor.map((f) => f.name).join(', ');
  const dot = w.op.indexOf('.');
  const call = `${w.label}.${dot >= 0 ? w.op.slice(dot + 1) : w.op}`;
  if (w.objKind === 'process') return t('dlJoin', w.name, w.label);
  if (HELD.has(w.objKind)) return others ? t('dlHeld', w.name, w.label, others) : t('dlHeldNobody', w.name, w.label);
  if (w.parties !== undefined && w.arrived !== undefined) return others ? t('dlBarrierOnly', w.name, w.label, w.arrived, w.parties, others) : t('dlBarrierNobody', w.name, w.label, w.arrived, w.parties);
  return others ? t('dlOnly', w.name, call, others) : t('dlNobody', w.name, call);
}

const basename = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

export class DeadlockBanner {
  readonly el: HTMLElement;
  private shown: DeadlockEvent | undefined;
  private live = false;

  constructor() {
    this.el = h('section', 'deadlock');
    this.el.dataset.testid = 'deadlock';
    this.el.hidden = true;
  }

  update(input: DeadlockBannerInput): void {
    const d = input.deadlock;
    if (d === this.shown && input.live === this.live) return;
    // When this deadlock first showed (wall clock, epoch ms): what the UI test measures against the
    // trace's clock, which is the wall clock at the run's start.
    if (d && d !== this.shown) this.el.dataset.shownAt = String(Date.now());
    else if (!d) delete this.el.dataset.shownAt;
    this.shown = d;
    this.live = input.live;
    this.el.hidden = !d;
    this.el.replaceChildren();
    // An alert only while shown: a hidden one would still be found among the page's alerts.
    if (!d) {
      this.el.removeAttribute('role');
      return;
    }
    this.el.setAttribute('role', 'alert');
    const head = h('div', 'deadlock-head');
    const icon = h('i', 'codicon codicon-error');
    icon.setAttribute('aria-hidden', 'true');
    head.append(icon, h('strong', undefined, d.cycle ? t('dlTitleCycle') : t('dlTitleDeadEnd')));
    if (input.stop && input.live) {
      const stop = h('button', 'deadlock-stop', t('stop'));
      stop.type = 'button';
      stop.dataset.action = 'deadlock-stop';
      const stopFn = input.stop;
      stop.addEventListener('click', () => stopFn());
      head.appendChild(stop);
    }
    this.el.appendChild(head);
    const ul = h('ul');
    for (const w of d.waits) {
      const li = h('li');
      li.dataset.pid = String(w.pid);
      const who = h('button', 'link', deadlockLine(w));
      who.addEventListener('click', () => input.selectProcess(w.pid, w.tid));
      li.appendChild(who);
      if (w.loc) {
        const where = `${basename(w.loc.file)}:${w.loc.line}${w.loc.column ? `:${w.loc.column}` : ''}`;
        if (input.openSource) {
          const b = h('button', 'source');
          b.type = 'button';
          const i = h('i', 'codicon codicon-go-to-file');
          i.setAttribute('aria-hidden', 'true');
          b.append(i, document.createTextNode(` ${t('goToSource', where)}`));
          b.title = w.loc.file;
          const loc = w.loc;
          const open = input.openSource;
          b.addEventListener('click', () => open(loc));
          li.appendChild(b);
        } else li.appendChild(h('span', 'hint', ` ${where}`));
      }
      ul.appendChild(li);
    }
    this.el.appendChild(ul);
  }
}
