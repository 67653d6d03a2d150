// What the user selected; the details pane and the highlight in both views follow it.
import type { TraceEvent } from '../trace/events';
import type { HoldSpan, MessageArrow, TaskSpan, WaitSpan } from '../trace/model';

export type Selection =
  | { kind: 'process'; pid: number; tid?: number }
  | { kind: 'task'; task: TaskSpan }
  | { kind: 'message'; message: MessageArrow }
  | { kind: 'wait'; wait: WaitSpan }
  | { kind: 'hold'; hold: HoldSpan }
  | { kind: 'event'; event: TraceEvent };
