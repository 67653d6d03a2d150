// Words for events and the events behind a selection: the replay label, "Go to source".
import { holdCount, type TraceEvent } from '../trace/events';
import { OBJECT_LABELS } from '../trace/model';
import { assertNever } from '../protocol/messages';
import type { Selection } from './selection';
import { t } from './strings';

/** The events behind a selection, in time order (a process's own start/exit; a task's or message's events). */
export function selectionEvents(s: Selection, events: readonly TraceEvent[]): TraceEvent[] {
  switch (s.kind) {
    case 'event':
      return [s.event];
    case 'task':
      return events.filter((e) => (e.kind === 'task.submit' || e.kind === 'task.start' || e.kind === 'task.end') && e.poolId === s.task.poolId && e.taskId === s.task.taskId);
    case 'message':
      return events.filter((e) => (e.kind === 'message.send' || e.kind === 'message.recv') && e.channelId === s.message.channelId && e.msgId === s.message.msgId);
    case 'process':
      return events.filter((e) => (e.kind === 'process.start' || e.kind === 'process.exit') && e.pid === s.pid);
    case 'wait': {
      const w = s.wait;
      return events.filter((e) => (e.kind === 'wait.begin' || e.kind === 'wait.end') && e.pid === w.pid && (e.tid ?? 0) === (w.tid ?? 0) && e.waitId === w.waitId);
    }
    case 'hold': {
      // Its hold.begin/hold.end, or the hold.spans record that holds its pair.
      const h = s.hold;
      return events.filter((e) => {
        if (e.pid !== h.pid || (e.tid ?? 0) !== (h.tid ?? 0) || !('objId' in e) || e.objId !== h.objId) return false;
        if (e.kind === 'hold.begin') return e.ts === h.start;
        if (e.kind === 'hold.end') return e.ts === h.end;
        if (e.kind === 'hold.spans') return e.ts <= h.start && e.spans.some((p) => p[0] === h.start && p[1] === h.end);
        return false;
      });
    }
    default:
      return assertNever(s);
  }
}

/** One line for the replay label: what the event at the cursor is. */
export function describeEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'process.start':
      return t('evProcessStart', e.name, e.pid, e.ppid);
    case 'process.exit':
      return e.signal ? t('evProcessKilled', e.pid, e.signal) : t('evProcessExit', e.pid, e.exitCode ?? '?');
    case 'thread.start':
      return t('evThreadStart', e.name, e.tid, e.pid);
    case 'thread.exit':
      return t('evThreadExit', e.tid, e.pid, e.exitCode ?? '?');
    case 'pool.create':
      return t('evPoolCreate', e.pid, e.poolId, e.processes);
    case 'pool.close':
    case 'pool.terminate':
    case 'pool.join':
      return `pid ${e.pid}: ${e.kind} ${e.poolId}`;
    case 'task.submit':
      return t('evTaskSubmit', e.pid, `${e.fn}${e.args ?? ''}`, e.poolId);
    case 'task.start':
      return t('evTaskStart', e.pid, `${e.fn}${e.args ?? ''}`);
    case 'task.end':
      return e.ok ? t('evTaskEnd', e.pid, e.taskId) : t('evTaskFailed', e.pid, e.taskId, e.error ?? '?');
    case 'message.send':
      return t('evSend', e.pid, e.summary ?? e.msgId, `${e.channel} ${e.channelId}`);
    case 'message.recv':
      return t('evRecv', e.pid, e.summary ?? e.msgId, `${e.channel} ${e.channelId}`);
    case 'output':
      return `pid ${e.pid} ${e.stream}: ${e.text.slice(0, 200).trimEnd().slice(0, 80)}`;
    case 'error':
      return t('evError', e.pid, e.message.slice(0, 80));
    case 'run.end':
      return t('evRunEnd', e.reason, e.signal ? t('summaryKilled', e.signal) : t('summaryExit', e.exitCode ?? '?'));
    case 'object.create':
      return t('evObjectCreate', e.pid, OBJECT_LABELS[e.objKind]);
    case 'wait.begin':
      return t('evWaitBegin', e.pid, e.op);
    case 'wait.end':
      return t('evWaitEnd', e.pid, e.outcome);
    case 'deadlock':
      return t('evDeadlock', e.waits.map((w) => w.name).join(', '));
    case 'hold.begin':
      return t('evHoldBegin', e.pid, OBJECT_LABELS[e.objKind]);
    case 'hold.end':
      return t('evHoldEnd', e.pid, OBJECT_LABELS[e.objKind]);
    case 'hold.spans':
      return t('evHoldSpans', e.pid, OBJECT_LABELS[e.objKind], e.spans.reduce((n, p) => n + holdCount(p), 0));
    default:
      return assertNever(e);
  }
}
