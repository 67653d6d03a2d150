// A trace file's text -> its header and events, validated: the one decoder of .jsonl and Chrome
// .json files, shared by the extension host (Open, Export, restore) and the viewer, which parses
// an opened file itself from the bytes the panel sends (so the host does not parse, pack and
// stringify 100k events for the webview to unpack). Pure: no Node, no DOM.

import { CHROME_MAX_DEPTH, fromChromeTrace } from './chrome';
import { chromeNativeJsonl, scanChromeNative } from './chromeScan';
import type { TraceEvent, TraceHeader } from './events';
import { jsonDeeperThan, jsonErrorReason, JsonlParser, nothingUsable, parseJsonl, sortEvents, type ParsedTrace } from './jsonl';

export type TraceTextFormat = 'jsonl' | 'chrome';

export interface DecodedTrace {
  header: TraceHeader | undefined;
  /** On the shared clock; equal times in file order. */
  events: TraceEvent[];
  /** Lines (.jsonl) or records (.json) skipped as not valid. */
  malformed: number;
  /** .jsonl only: the first skipped line's number (1-based), to name it in the warning. */
  firstMalformedLine?: number;
}

/** Why a file holds nothing to show: one line, without the file's name (the caller adds it). */
export class TraceTextError extends Error {}

/** Decodes a whole trace file's text; throws TraceTextError with a one-line reason. */
export function decodeTraceText(format: TraceTextFormat, text: string): DecodedTrace {
  if (format === 'jsonl') return decodedJsonl(parseJsonl(text));
  // A Chrome trace nests five levels; megabytes of "[[[[" would keep JSON.parse busy for seconds.
  if (jsonDeeperThan(text, CHROME_MAX_DEPTH)) throw new TraceTextError(`not a Chrome trace (JSON nested deeper than ${CHROME_MAX_DEPTH} levels)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TraceTextError(jsonErrorReason(e));
  }
  let t: ReturnType<typeof fromChromeTrace>;
  try {
    t = fromChromeTrace(json);
  } catch (e) {
    throw new TraceTextError((e as Error).message);
  }
  if (t.events.length === 0) throw new TraceTextError(`no trace events found (${t.malformed} skipped as not valid events)`);
  // fromChromeTrace already orders them on the clock.
  return { header: t.header, events: t.events, malformed: t.malformed };
}

function decodedJsonl(parsed: ParsedTrace): DecodedTrace {
  const empty = nothingUsable(parsed);
  if (empty) throw new TraceTextError(empty);
  return { header: parsed.header, events: sortEvents(parsed.events), malformed: parsed.malformed, ...(parsed.firstMalformedLine ? { firstMalformedLine: parsed.firstMalformedLine } : {}) };
}

/**
 * decodeTraceText('jsonl') of a file that comes in parts (FileMessage.part: the viewer decodes
 * each part while the next is on its way): the text of each part in order, then finish(), which
 * gives what decodeTraceText gives for the parts joined (or throws its TraceTextError).
 */
export class JsonlPartsDecoder {
  private readonly parser = new JsonlParser();

  /** The next part's text (decode its bytes with one TextDecoder in stream mode: a character may be cut between parts). */
  push(text: string): void {
    this.parser.push(text);
  }

  finish(): DecodedTrace {
    return decodedJsonl(this.parser.finish());
  }
}

/**
 * A Chrome trace's bytes -> the native trace inside it as .jsonl bytes (header line, then its
 * events in the file's order), which decode to what decodeTraceText('chrome') gives for the file:
 * cut out of the bytes by one scan (src/trace/chromeScan.ts) instead of parsing all of it. Undefined
 * when the scan is not sure or finds no event: decode the file as a Chrome trace then (that also
 * words its error).
 */
export function chromeAsJsonl(bytes: Uint8Array): Uint8Array | undefined {
  const found = scanChromeNative(bytes);
  if (!found || found.count === 0) return undefined;
  return chromeNativeJsonl(bytes, found);
}
