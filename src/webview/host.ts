// Where the viewer runs: inside a VS Code webview (acquireVsCodeApi exists; messages to and from
// the panel), or inside the self-contained HTML report (the trace is embedded in the page).

import type { TraceEvent, TraceHeader } from '../trace/events';
import { parseEvents, type FromWebview } from '../protocol/messages';
import { parseHeader } from '../trace/events';
import { unpackEvents } from '../trace/packed';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  /** True in the panel: Stop, Run again, Open, Export and Go to source talk to the extension. */
  readonly connected: boolean;
  post(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface EmbeddedTrace {
  title: string;
  header: TraceHeader | undefined;
  events: TraceEvent[];
}

/** Id of the <script type="application/json"> element the report embeds its trace in. */
export const EMBEDDED_TRACE_ID = 'concurrency-lab-trace';

export function embeddedTrace(): EmbeddedTrace | undefined {
  const el = document.getElementById(EMBEDDED_TRACE_ID);
  if (!el?.textContent) return undefined;
  try {
    performance.mark('cl:embedded-start');
    const v = JSON.parse(el.textContent) as { title?: unknown; header?: unknown; events?: unknown; packed?: unknown };
    performance.mark('cl:embedded-parsed');
    const trace = {
      title: typeof v.title === 'string' ? v.title : 'Concurrency Lab trace',
      header: v.header ? parseHeader(v.header) : undefined,
      // The report writes the packed form; a plain event array is read too.
      events: unpackEvents(v.packed)?.events ?? parseEvents(v.events) ?? [],
    };
    performance.mark('cl:embedded-unpacked');
    return trace;
  } catch {
    return undefined;
  }
}

export function detectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    // acquireVsCodeApi may be called only once per page.
    const api = acquireVsCodeApi();
    return {
      connected: true,
      post: (m) => api.postMessage(m),
      getState: () => api.getState(),
      setState: (s) => api.setState(s),
    };
  }
  return { connected: false, post: () => undefined, getState: () => undefined, setState: () => undefined };
}
