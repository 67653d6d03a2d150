// Insights above the timeline: the run in plain language, the very lines `concurrency-lab run
// --insights` prints (src/trace/insights.ts computes and words them). It starts collapsed to one
// line so it never takes the timeline's height; a click expands it (the choice is kept in the
// webview state). Each process's line selects that process; each of the longest waits (3 at
// most) has Go to source.
// Hidden while a run is live (the insights are of a whole run). Built with textContent only:
// names and paths come from the user's program.

import type { SourceLocation } from '../../trace/events';
import type { InsightLine } from '../../trace/insights';
import { t } from '../strings';

export interface InsightsViewInput {
  /** The lines to show, or undefined to hide the section. */
  lines: readonly InsightLine[] | undefined;
  open: boolean;
  /** The user expanded or collapsed it. */
  toggle(open: boolean): void;
  selectProcess(pid: number, tid: number | undefined): void;
  openSource: ((loc: SourceLocation) => void) | undefined;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The collapsed line: what the run did as a whole (its tasks, queueing, longest wait, parallelism). */
export function insightsSummary(lines: readonly InsightLine[]): string {
  // The longest wait only: the next two are in the expanded list.
  const run = lines.filter((l) => l.kind !== 'lane' && l.kind !== 'wall' && !(l.rank !== undefined && l.rank > 1));
  return (run.length ? run : lines).map((l) => l.text).join(' ');
}

const basename = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

export class InsightsView {
  readonly el: HTMLElement;
  private readonly toggleBtn: HTMLButtonElement;
  private readonly chevron: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLUListElement;
  private lines: readonly InsightLine[] | undefined;
  private open = false;
  private input: InsightsViewInput | undefined;

  constructor() {
    this.el = h('section', 'insights');
    this.el.dataset.testid = 'insights';
    this.el.setAttribute('aria-label', t('insightsTitle'));
    this.el.hidden = true;
    this.toggleBtn = h('button', 'insights-toggle');
    this.toggleBtn.type = 'button';
    this.toggleBtn.dataset.action = 'insights-toggle';
    this.toggleBtn.setAttribute('aria-controls', 'insights-list');
    this.chevron = h('i', 'codicon codicon-chevron-right');
    this.chevron.setAttribute('aria-hidden', 'true');
    const icon = h('i', 'codicon codicon-lightbulb');
    icon.setAttribute('aria-hidden', 'true');
    this.summary = h('span', 'insights-summary');
    this.toggleBtn.append(this.chevron, icon, h('strong', undefined, t('insightsTitle')), this.summary);
    this.toggleBtn.addEventListener('click', () => {
      this.setOpen(!this.open);
      this.input?.toggle(this.open);
    });
    this.list = h('ul', 'insights-list');
    this.list.id = 'insights-list';
    this.el.append(this.toggleBtn, this.list);
    this.setOpen(false);
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.el.classList.toggle('open', open);
    this.toggleBtn.setAttribute('aria-expanded', String(open));
    this.toggleBtn.title = open ? t('insightsHide') : t('insightsShow');
    this.chevron.className = `codicon codicon-chevron-${open ? 'down' : 'right'}`;
    this.list.hidden = !open;
  }

  update(input: InsightsViewInput): void {
    this.input = input;
    if (input.open !== this.open) this.setOpen(input.open);
    if (input.lines === this.lines) return;
    this.lines = input.lines;
    this.el.hidden = !input.lines;
    this.list.replaceChildren();
    if (!input.lines) {
      this.summary.textContent = '';
      return;
    }
    this.summary.textContent = insightsSummary(input.lines);
    for (const line of input.lines) {
      const li = h('li');
      li.dataset.kind = line.kind;
      if (line.rank !== undefined) li.dataset.rank = String(line.rank);
      if (line.kind === 'lane' && line.pid !== undefined) {
        // Not data-pid: that attribute counts the tree's process rows (docs/panel.md).
        li.dataset.lanePid = String(line.pid);
        if (line.tid !== undefined) li.dataset.laneTid = String(line.tid);
        const b = h('button', 'link', line.text);
        b.type = 'button';
        const { pid, tid } = line;
        b.addEventListener('click', () => this.input?.selectProcess(pid, tid));
        li.appendChild(b);
      } else {
        li.appendChild(h('span', undefined, line.text));
        if (line.loc && input.openSource) {
          const b = h('button', 'source');
          b.type = 'button';
          const i = h('i', 'codicon codicon-go-to-file');
          i.setAttribute('aria-hidden', 'true');
          b.append(i, document.createTextNode(` ${t('goToSource', `${basename(line.loc.file)}:${line.loc.line}`)}`));
          b.title = line.loc.file;
          const loc = line.loc;
          b.addEventListener('click', () => this.input?.openSource?.(loc));
          li.appendChild(b);
        }
      }
      this.list.appendChild(li);
    }
  }
}
