// What travels between a manager's clients and its server once a connection is authenticated,
// and the addresses servers listen on. Every frame is one of our codec's messages
// (transport/codec.ts); the server checks each one's shape before acting on it (validRequest).
//
//   client → server   { r, o, m, a, id? }   call method `m` of served object `o` with args `a`
//                     { r, t: 'new', k, a }  make an object of typeid `k` (dict, Lock, get_queue…)
//   server → client   { r, v? , id? }        the result (absent: undefined)
//                     { r, x: ErrorRecord }  the call raised
//                     { r, b: 1 }            the call is waiting (a blocked get/acquire/wait), for the caller's trace
//
// `r` numbers a connection's requests; `id` is the traced message's id (only when tracing).
import * as os from 'os';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { MESSAGES, ProcessError } from '../../errors';

/** Largest frame either side accepts once authenticated (a bigger one closes the connection). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** How long a server waits for a new connection to authenticate. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
/** Connections still authenticating at once; more are closed at once (a flood costs nothing). */
export const MAX_PENDING_HANDSHAKES = 64;
/** How long a client waits for a server's side of the handshake. */
export const CLIENT_HANDSHAKE_TIMEOUT_MS = 10000;

/** Where a manager listens: TCP `{ host, port }` (host defaults to 127.0.0.1) or a unix socket path. */
export type ManagerAddress = { host?: string; port: number } | string;

/** An address in the form net.connect / server.listen take. */
export type NetAddress = { host: string; port: number } | { path: string };

export function normalizeAddress(a: unknown): NetAddress {
  if (typeof a === 'string' && a.length > 0) return { path: a };
  if (typeof a === 'object' && a !== null) {
    const { host = '127.0.0.1', port } = a as { host?: unknown; port?: unknown };
    if (typeof host === 'string' && host.length > 0 && Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535) return { host, port: port as number };
  }
  throw new ProcessError(MESSAGES.badAddress(a));
}

/** The address as users write it: `{ host, port }` or the socket path. */
export function publicAddress(a: NetAddress): ManagerAddress {
  return 'path' in a ? a.path : { host: a.host, port: a.port };
}

/** For messages: "127.0.0.1:50000", or the socket path (an abstract one shown with @). */
export function describeAddress(a: NetAddress): string {
  if ('path' in a) return a.path.startsWith('\0') ? `@${a.path.slice(1)}` : a.path;
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** A key that names one server: connections are shared per server and thread. */
export function addressKey(a: NetAddress): string {
  return 'path' in a ? `unix:${a.path}` : `tcp:${a.host}:${a.port}`;
}

/** A fresh local address for a manager of this machine (abstract socket on Linux: no file to remove). */
export function localAddress(): NetAddress {
  const name = `concurrency-lab-manager-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}`;
  return { path: process.platform === 'linux' ? `\0${name}` : path.join(os.tmpdir(), `${name}.sock`) };
}

export interface CallRequest {
  r: number;
  o: number;
  m: string;
  a: unknown[];
  id?: string;
}

export interface CreateRequest {
  r: number;
  t: 'new';
  k: string;
  a: unknown[];
  id?: string;
}

const isRid = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const shortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** A message from a client, checked field by field: anything else is refused. */
export function validRequest(msg: unknown): CallRequest | CreateRequest | undefined {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
  const m = msg as Record<string, unknown>;
  if (!isRid(m.r) || !Array.isArray(m.a) || (m.id !== undefined && !shortString(m.id, 100))) return undefined;
  if (m.t === 'new') return shortString(m.k, 100) ? (m as unknown as CreateRequest) : undefined;
  if (m.t !== undefined) return undefined;
  return typeof m.o === 'number' && Number.isSafeInteger(m.o) && m.o > 0 && shortString(m.m, 100) ? (m as unknown as CallRequest) : undefined;
}

/** What a server tells an authenticated client about itself. */
export interface ServerInfo {
  /** The manager's id in traces (object.create of kind 'manager'). */
  id: string;
  name: string;
  pid: number;
  /** Typeids a client may create (Manager's dict, Lock… and registered ones). */
  typeids: string[];
}

export function validInfo(v: Record<string, unknown>): ServerInfo | undefined {
  const ok = typeof v.id === 'string' && typeof v.name === 'string' && typeof v.pid === 'number' && Array.isArray(v.typeids) && v.typeids.every((t) => typeof t === 'string');
  return ok ? (v as unknown as ServerInfo) : undefined;
}
