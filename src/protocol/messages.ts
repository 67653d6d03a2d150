// The typed messages between the trace panel (extension host) and the viewer (webview or the
// HTML report). Modelled on vscode-hexeditor's shared/protocol.ts: one enum of message types, one
// interface per message, ToWebview/FromWebview unions, a request/reply envelope. Added: validators
// for everything that crosses the boundary, exhaustive switches (see `assertNever`), and error
// replies so a failing handler never leaves the webview waiting.
//
// Imports only the trace schema, so both sides (Node and browser) can use it.

import { parseEvent, parseHeader, type SourceLocation, type TraceEvent, type TraceHeader } from '../trace/events';
import { packEvents, unpackEvents } from '../trace/packed';

export { assertNever } from '../trace/events';


/** Where the trace in the viewer came from; saved in webview state so a reload can reopen it. */
export type TraceSource = { kind: 'run'; file?: string } | { kind: 'file'; path: string } | { kind: 'empty' };

export interface RunStateInfo {
  /** A run is still producing events (Stop is enabled, follow mode makes sense). */
  live: boolean;
  /** "Run again" is available. */
  canRerun: boolean;
}

/** Replaces whatever the viewer shows. Large traces follow as Events chunks with `done` on the last. */
export interface ResetMessage {
  type: 'reset';
  title: string;
  header: TraceHeader | undefined;
  source: TraceSource;
  run: RunStateInfo;
  /** Events the trace has right now; when more than `events`, Events chunks with the rest follow. */
  total: number;
  events: TraceEvent[];
}

/** New events appended to the current trace (a live batch, or the next chunk of a big file). */
export interface EventsMessage {
  type: 'events';
  events: TraceEvent[];
}

/**
 * An opened trace file, as its bytes: the viewer decodes and validates them itself with the
 * host's decoder (src/trace/file.ts) and then shows them as a reset would. Sending the bytes
 * (one buffer; VS Code passes it without JSON) saves the host parsing, packing and stringifying
 * every event and the viewer unpacking them. A file that does not decode leaves the view as it was.
 */
export interface FileMessage {
  type: 'file';
  title: string;
  source: TraceSource;
  format: TraceFileKind;
  bytes: Uint8Array;
  /**
   * 'deflate-raw': `bytes` are the file deflated (the panel compresses big files: in a remote
   * window every byte to the webview crosses a websocket that deflates it again, slowly, in JS
   * terms — 18 MB took ~1 s there, 1.6 MB deflated ~0.1 s; bench/RESULTS.md). Absent: the file as is.
   */
  encoding?: FileEncoding;
  /**
   * A big file comes in parts (index 0, 1, … in order, `last` on the final one), each whole lines
   * of .jsonl (format 'jsonl'), deflated on its own when `encoding` says so: the viewer decodes one
   * while the host reads, scans or deflates the next (src/panel/traceFiles.ts, viewerParts). Part 0
   * replaces the view as a whole file does; a later part that does not follow the one before it
   * is dropped. Absent: the whole file is in this message.
   */
  part?: FilePart;
}

export interface FilePart {
  index: number;
  last: boolean;
}

export type FileEncoding = 'deflate-raw';

/** How a file's bytes are to be read: native lines or a Chrome trace (conventions.md). */
export type TraceFileKind = 'jsonl' | 'chrome';

export interface RunStateMessage {
  type: 'runState';
  run: RunStateInfo;
}

export interface ReplyMessage {
  type: 'reply';
  requestId: number;
  /** Set when the handler failed; a one-line message for the user. */
  error?: string;
  /** Human-readable outcome, e.g. the path a trace was exported to. */
  result?: string;
}

export type ToWebview = ResetMessage | EventsMessage | FileMessage | RunStateMessage | ReplyMessage;

export interface ReadyMessage {
  type: 'ready';
}
export interface StopMessage {
  type: 'stop';
}
export interface RerunMessage {
  type: 'rerun';
}
export interface OpenSourceMessage {
  type: 'openSource';
  loc: SourceLocation;
}
export type ExportFormat = 'jsonl' | 'chrome';
/** A request: the host answers with a ReplyMessage carrying the same requestId. */
export interface ExportMessage {
  type: 'export';
  requestId: number;
  format: ExportFormat;
}
export interface OpenTraceMessage {
  type: 'openTrace';
  requestId: number;
}

export type FromWebview = ReadyMessage | StopMessage | RerunMessage | OpenSourceMessage | ExportMessage | OpenTraceMessage;
export type FromWebviewRequest = Extract<FromWebview, { requestId: number }>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const MAX_PATH = 4096;

export function parseSourceLocation(v: unknown): SourceLocation | undefined {
  if (!isObject(v) || typeof v.file !== 'string' || v.file.length === 0 || v.file.length > MAX_PATH) return undefined;
  if (!isInt(v.line) || v.line < 1) return undefined;
  if (v.column !== undefined && (!isInt(v.column) || v.column < 1)) return undefined;
  return { file: v.file, line: v.line, ...(v.column !== undefined ? { column: v.column as number } : {}) };
}

/**
 * Validates a message from the webview. The webview is untrusted content as far as the host is
 * concerned (it renders strings from user programs), so only well-formed, known messages get
 * through, rebuilt field by field so nothing unexpected rides along.
 */
export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isObject(v) || typeof v.type !== 'string') return undefined;
  const type = v.type as FromWebview['type'];
  switch (type) {
    case 'ready':
    case 'stop':
    case 'rerun':
      return { type };
    case 'openSource': {
      const loc = parseSourceLocation(v.loc);
      return loc ? { type, loc } : undefined;
    }
    case 'export':
      return isInt(v.requestId) && (v.format === 'jsonl' || v.format === 'chrome') ? { type, requestId: v.requestId, format: v.format } : undefined;
    case 'openTrace':
      return isInt(v.requestId) ? { type, requestId: v.requestId } : undefined;
    default: {
      // Unknown strings land here at run time; at compile time this proves every type is handled.
      return unknownType(type);
    }
  }
}

function parseRunState(v: unknown): RunStateInfo | undefined {
  return isObject(v) && typeof v.live === 'boolean' && typeof v.canRerun === 'boolean' ? { live: v.live, canRerun: v.canRerun } : undefined;
}

function parseSource(v: unknown): TraceSource | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'empty') return { kind: 'empty' };
  if (v.kind === 'run') return typeof v.file === 'string' ? { kind: 'run', file: v.file } : { kind: 'run' };
  if (v.kind === 'file' && typeof v.path === 'string' && v.path.length <= MAX_PATH) return { kind: 'file', path: v.path };
  return undefined;
}

/** `default:` of the validators: compile error if a type is unhandled, undefined at run time. */
function unknownType(_type: never): undefined {
  return undefined;
}

/** Keeps the valid events of an array; drops the rest (counted by the caller if it cares). */
export function parseEvents(v: unknown): TraceEvent[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: TraceEvent[] = [];
  for (const item of v) {
    const e = parseEvent(item);
    if (e) out.push(e);
  }
  return out;
}

/**
 * The form a message to the webview travels in: the events of `reset` and `events` as one string,
 * the JSON text of their packed form (src/trace/packed.ts), instead of an array of objects. The
 * channel (extension host -> renderer -> webview frame) serializes and copies every object of a
 * message, per event and per field; one string crosses it as one value, a fifth of the bytes.
 */
export function toWire(msg: ToWebview): unknown {
  if (msg.type !== 'reset' && msg.type !== 'events') return msg;
  const { events, ...rest } = msg;
  return { ...rest, packed: JSON.stringify(packEvents(events)) };
}

/** The events of a message: its packed text (what the panel sends) or a plain array. */
function wireEvents(v: Record<string, unknown>): TraceEvent[] | undefined {
  if (typeof v.packed === 'string') {
    try {
      return unpackEvents(JSON.parse(v.packed))?.events;
    } catch {
      return undefined;
    }
  }
  return parseEvents(v.events);
}

/**
 * Validates a message from the host. The webview checks too: the host relays events that came from
 * user programs, and a broken message should be ignored rather than crash the view.
 */
export function parseToWebview(v: unknown): ToWebview | undefined {
  if (!isObject(v) || typeof v.type !== 'string') return undefined;
  const type = v.type as ToWebview['type'];
  switch (type) {
    case 'reset': {
      const events = wireEvents(v);
      const run = parseRunState(v.run);
      const source = parseSource(v.source);
      if (!events || !run || !source || typeof v.title !== 'string' || !isInt(v.total)) return undefined;
      const header = v.header === undefined || v.header === null ? undefined : parseHeader(v.header);
      return { type, title: v.title, header, source, run, total: v.total, events };
    }
    case 'events': {
      const events = wireEvents(v);
      return events ? { type, events } : undefined;
    }
    case 'file': {
      const source = parseSource(v.source);
      const bytes = v.bytes instanceof Uint8Array ? v.bytes : v.bytes instanceof ArrayBuffer ? new Uint8Array(v.bytes) : undefined;
      if (!source || !bytes || typeof v.title !== 'string' || (v.format !== 'jsonl' && v.format !== 'chrome')) return undefined;
      if (v.encoding !== undefined && v.encoding !== 'deflate-raw') return undefined;
      let part: FilePart | undefined;
      if (v.part !== undefined) {
        const p = v.part as { index?: unknown; last?: unknown } | null;
        if (typeof p !== 'object' || p === null || !isInt(p.index) || p.index < 0 || typeof p.last !== 'boolean' || v.format !== 'jsonl') return undefined;
        part = { index: p.index, last: p.last };
      }
      return { type, title: v.title, source, format: v.format, bytes, ...(v.encoding ? { encoding: v.encoding } : {}), ...(part ? { part } : {}) };
    }
    case 'runState': {
      const run = parseRunState(v.run);
      return run ? { type, run } : undefined;
    }
    case 'reply': {
      if (!isInt(v.requestId)) return undefined;
      const out: ReplyMessage = { type, requestId: v.requestId };
      if (typeof v.error === 'string') out.error = v.error;
      if (typeof v.result === 'string') out.result = v.result;
      return out;
    }
    default: {
      return unknownType(type);
    }
  }
}

/** What the webview keeps in getState/setState so a reload restores the view, not just the data. */
export interface ViewerState {
  source: TraceSource;
  /** Visible time window, µs relative to the trace start. */
  view?: { t0: number; t1: number };
  selectedPid?: number;
  /** Replay cursor (event index) or undefined when showing the whole trace. */
  cursor?: number;
  /** The timeline's share (0..1) of the height it splits with the details pane. */
  split?: number;
  /** The insights section is expanded (it starts collapsed to one line). */
  insightsOpen?: boolean;
}

export function parseViewerState(v: unknown): ViewerState | undefined {
  if (!isObject(v)) return undefined;
  const source = parseSource(v.source);
  if (!source) return undefined;
  const out: ViewerState = { source };
  if (isObject(v.view) && typeof v.view.t0 === 'number' && typeof v.view.t1 === 'number' && Number.isFinite(v.view.t0) && Number.isFinite(v.view.t1) && v.view.t1 > v.view.t0) {
    out.view = { t0: v.view.t0, t1: v.view.t1 };
  }
  if (isInt(v.selectedPid)) out.selectedPid = v.selectedPid;
  if (isInt(v.cursor) && v.cursor >= 0) out.cursor = v.cursor;
  if (typeof v.split === 'number' && v.split > 0 && v.split < 1) out.split = v.split;
  if (v.insightsOpen === true) out.insightsOpen = true;
  return out;
}

/** Events per message when a large trace is sent to the webview (keeps each postMessage small). */
export const EVENTS_PER_MESSAGE = 20000;
