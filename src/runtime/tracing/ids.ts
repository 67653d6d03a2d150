// Ids that name one traced thing across the whole run (a message's msgId), so the runner can
// pair records written by different processes. Only made when tracing.
import { threadId } from 'worker_threads';

let msgCounter = 0;
/** Unique across the run: pid, thread and a counter. */
export function newMsgId(): string {
  return `${process.pid}.${threadId}.${++msgCounter}`;
}
