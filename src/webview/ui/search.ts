// The search box and its result list: finds processes, tasks and messages by id (src/webview/search.ts)
// and hands the chosen one to the viewer, which selects it and brings it into view. Built with
// textContent only: names and summaries come from the user's program.

import type { TraceModel } from '../../trace/model';
import { searchTrace, type SearchHit } from '../search';
import { t, type StringKey } from '../strings';
import { formatOffset } from '../layout/ticks';

const CHANNEL_WORDS: Record<string, StringKey> = { queue: 'channelQueue', pipe: 'channelPipe', manager: 'channelManager' };
/** Results listed at most; the count says how many there are. */
const SHOWN = 100;
const DEBOUNCE_MS = 120;

export interface SearchContext {
  model(): TraceModel;
  origin(): number;
  choose(hit: SearchHit): void;
}

export function hitLabel(h: SearchHit, origin: number): string {
  switch (h.kind) {
    case 'process':
      return t('resultProcess', h.process.name, h.process.pid);
    case 'task': {
      const when = h.task.start ?? h.task.submitTs;
      return `${t('resultTask', h.task.taskId, h.task.poolId, `${h.task.fn}${h.task.args ?? '()'}`)}${when !== undefined ? `  ${formatOffset(when - origin)}` : ''}`;
    }
    case 'message': {
      const m = h.message;
      const word = CHANNEL_WORDS[m.channel];
      const when = m.sendTs ?? m.recvTs;
      return `${t('resultMessage', m.msgId, word ? t(word) : m.channel, m.channelId, m.summary ?? '')}${when !== undefined ? `  ${formatOffset(when - origin)}` : ''}`;
    }
  }
}

export class SearchBox {
  readonly input: HTMLInputElement;
  /** The result list, placed by the viewer under the toolbar. */
  readonly results: HTMLElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hits: SearchHit[] = [];

  constructor(private readonly ctx: SearchContext) {
    this.input = document.createElement('input');
    this.input.type = 'search';
    this.input.className = 'search';
    this.input.placeholder = t('searchPlaceholder');
    this.input.setAttribute('aria-label', t('search'));
    this.input.spellcheck = false;
    this.results = document.createElement('div');
    this.results.className = 'search-results';
    this.results.hidden = true;
    this.status = document.createElement('div');
    this.status.className = 'search-status';
    this.status.setAttribute('role', 'status');
    this.list = document.createElement('ul');
    this.list.setAttribute('aria-label', t('search'));
    this.results.append(this.status, this.list);

    this.input.addEventListener('input', () => {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        if (this.timer !== undefined) {
          clearTimeout(this.timer);
          this.run();
        }
        if (this.hits[0]) this.ctx.choose(this.hits[0]);
      } else if (ev.key === 'ArrowDown') this.list.querySelector('button')?.focus();
      else if (ev.key === 'Escape') this.clear();
      else return;
      ev.preventDefault();
    });
    this.list.addEventListener('keydown', (ev) => {
      const b = (ev.target as HTMLElement).closest('li');
      if (!b) return;
      const to = ev.key === 'ArrowDown' ? b.nextElementSibling : ev.key === 'ArrowUp' ? b.previousElementSibling : undefined;
      if (ev.key === 'Escape') {
        this.input.focus();
        this.clear();
      } else if (to === undefined) return;
      else if (to) to.querySelector('button')?.focus();
      else if (ev.key === 'ArrowUp') this.input.focus();
      ev.preventDefault();
    });
  }

  /** Runs the current query again (the trace changed). */
  refresh(): void {
    if (this.input.value.trim()) this.run();
  }

  private clear(): void {
    this.input.value = '';
    this.hits = [];
    this.results.hidden = true;
    this.list.replaceChildren();
  }

  private run(): void {
    this.timer = undefined;
    const q = this.input.value.trim();
    if (!q) return this.clear();
    const r = searchTrace(this.ctx.model(), q, SHOWN);
    this.hits = r.hits;
    this.results.hidden = false;
    this.status.textContent = r.total === 0 ? t('searchNone', q) : r.total > r.hits.length ? `${t('searchResults', r.total, q)} (${t('searchMore', r.hits.length)})` : t('searchResults', r.total, q);
    const origin = this.ctx.origin();
    this.list.replaceChildren(
      ...r.hits.map((h) => {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.className = 'result';
        b.dataset.kind = h.kind;
        b.textContent = hitLabel(h, origin);
        b.addEventListener('click', () => this.ctx.choose(h));
        li.appendChild(b);
        return li;
      }),
    );
  }
}
