// People's names for the objects of a run ("Queue#1", "Lock#2", "Process-1"): one numbering for
// every view of a trace — the panel's timeline, tree, details and wait-for list, and the run's
// insights (CLI, panel, report). Pure.

import type { ObjectKind } from './events';
import { OBJECT_LABELS, type TraceModel, type WaitSpan } from './model';

/**
 * People's names for the objects of a run: "Lock#1" for those announced by object.create (the
 * model numbers them), the same per-kind numbering continued for objects only seen in waits and
 * holds (queues, pipes, pools: no object.create), in the order their first wait or hold began, and
 * a process's own name ("Process-1") for a join.
 */
export class ObjectNames {
  private readonly labels = new Map<string, string>();

  constructor(private readonly model: TraceModel) {
    const counts = new Map<ObjectKind, number>();
    for (const o of model.objects.values()) counts.set(o.objKind, (counts.get(o.objKind) ?? 0) + 1);
    const seen: { objKind: ObjectKind; objId: string; start: number }[] = [];
    const note = (objKind: ObjectKind, objId: string, start: number) => {
      if (objKind === 'process' || model.objects.has(objId)) return;
      const key = `${objKind}:${objId}`;
      if (this.labels.has(key)) return;
      this.labels.set(key, '');
      seen.push({ objKind, objId, start });
    };
    for (const w of model.waits) note(w.objKind, w.objId, w.start);
    for (const h of model.holds) note(h.objKind, h.objId, h.start);
    seen.sort((a, b) => a.start - b.start);
    for (const s of seen) {
      const n = (counts.get(s.objKind) ?? 0) + 1;
      counts.set(s.objKind, n);
      this.labels.set(`${s.objKind}:${s.objId}`, `${OBJECT_LABELS[s.objKind]}#${n}`);
    }
  }

  label(objKind: ObjectKind, objId: string): string {
    // A parent announces a child it starts (object.create, kind process); its name says more than "Process#1".
    if (objKind === 'process') {
      const pid = Number(objId.split('.')[0]);
      const p = this.model.processes.get(pid);
      const tid = objId.includes('.') ? Number(objId.split('.')[1]) : undefined;
      const thread = tid !== undefined ? p?.threads.find((x) => x.tid === tid) : undefined;
      return thread?.name ?? p?.name ?? this.model.objects.get(objId)?.label ?? `${OBJECT_LABELS.process} ${objId}`;
    }
    const announced = this.model.objects.get(objId);
    if (announced) return announced.label;
    return this.labels.get(`${objKind}:${objId}`) || `${OBJECT_LABELS[objKind]} ${objId}`;
  }

  /** "Queue#1.get", "Lock#2.acquire", "Process-1.join", "Manager#1.queue.get". */
  waitLabel(w: Pick<WaitSpan, 'op' | 'objKind' | 'objId'>): string {
    const dot = w.op.indexOf('.');
    return `${this.label(w.objKind, w.objId)}.${dot >= 0 ? w.op.slice(dot + 1) : w.op}`;
  }
}

