// Finding any process, task or message by its id, over the model (not over what is drawn), so
// nothing hidden by the timeline's per-pixel aggregation is out of reach. Pure; unit-tested.
//
// A query is a pid, a task id (or "pool:task"), a message id, or words of a process name, a task's
// function or a message's summary; "pid 4", "task 12", "msg 3" restrict it to one kind. Exact id
// matches come first.

import type { MessageArrow, ProcessInfo, TaskSpan, TraceModel } from '../trace/model';

export type SearchHit = { kind: 'process'; process: ProcessInfo } | { kind: 'task'; task: TaskSpan } | { kind: 'message'; message: MessageArrow };

export interface SearchResult {
  /** Every match in the trace. */
  total: number;
  /** The first `limit` of them, exact id matches first. */
  hits: SearchHit[];
}

type Kind = SearchHit['kind'];

const PREFIX = /^(pid|process|task|msg|message)\b\s*[:#]?\s*/i;

function parseQuery(raw: string): { text: string; only: Kind | undefined } {
  let text = raw.trim();
  let only: Kind | undefined;
  const m = PREFIX.exec(text);
  if (m && m[0].length < text.length) {
    const word = m[1]!.toLowerCase();
    only = word === 'pid' || word === 'process' ? 'process' : word === 'task' ? 'task' : 'message';
    text = text.slice(m[0].length).trim();
  }
  return { text, only };
}

export function searchTrace(model: TraceModel, query: string, limit = 200): SearchResult {
  const { text, only } = parseQuery(query);
  if (!text) return { total: 0, hits: [] };
  const lower = text.toLowerCase();
  const num = /^\d+$/.test(text) ? Number(text) : undefined;
  const exact: SearchHit[] = [];
  const partial: SearchHit[] = [];
  let total = 0;
  const hit = (h: SearchHit, isExact: boolean) => {
    total++;
    if (isExact) {
      if (exact.length < limit) exact.push(h);
    } else if (partial.length < limit) partial.push(h);
  };
  const has = (s: string | undefined) => s !== undefined && s.toLowerCase().includes(lower);

  if (!only || only === 'process') {
    for (const p of model.processes.values()) {
      const isExact = p.pid === num;
      if (isExact || (!only && has(p.name)) || (only && String(p.pid).startsWith(text))) hit({ kind: 'process', process: p }, isExact);
    }
  }
  if (!only || only === 'task') {
    const colon = text.lastIndexOf(':');
    const pool = colon > 0 ? text.slice(0, colon) : undefined;
    const poolTask = colon > 0 && /^\d+$/.test(text.slice(colon + 1)) ? Number(text.slice(colon + 1)) : undefined;
    for (const task of model.tasks) {
      const isExact = task.taskId === num || (poolTask === task.taskId && pool === task.poolId);
      if (isExact || has(task.fn)) hit({ kind: 'task', task }, isExact);
    }
  }
  if (!only || only === 'message') {
    for (const message of model.messages) {
      const isExact = message.msgId === text;
      if (isExact || message.msgId.includes(text) || has(message.summary)) hit({ kind: 'message', message }, isExact);
    }
  }
  const hits = exact.length >= limit ? exact : exact.concat(partial.slice(0, limit - exact.length));
  return { total, hits };
}

/** The time a hit covers (µs epoch), to bring it into view; undefined ends are open. */
export function hitSpan(h: SearchHit): { start: number | undefined; end: number | undefined; pid: number | undefined; tid: number | undefined } {
  switch (h.kind) {
    case 'process':
      return { start: h.process.start, end: h.process.end, pid: h.process.pid, tid: undefined };
    case 'task':
      return { start: h.task.submitTs ?? h.task.start, end: h.task.end ?? h.task.start, pid: h.task.pid ?? h.task.submitPid, tid: h.task.pid !== undefined ? h.task.tid : undefined };
    case 'message':
      return { start: h.message.sendTs ?? h.message.recvTs, end: h.message.recvTs ?? h.message.sendTs, pid: h.message.fromPid ?? h.message.toPid, tid: h.message.fromPid !== undefined ? h.message.fromTid : h.message.toTid };
  }
}
