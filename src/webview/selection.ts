// What the user selected; the details pane and the highlight in both views follow it.
import type { TraceEvent } from '../trace/events';
import type { MessageArrow, TaskSpan } from '../trace/model';

export type Selection =
  | { kind: 'process'; pid: number; tid?: number }
  | { kind: 'task'; task: TaskSpan }
  | { kind: 'message'; message: MessageArrow }
  | { kind: 'event'; event: TraceEvent };
