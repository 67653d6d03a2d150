// Challenge–response authentication of a manager connection, as Python's
// multiprocessing.connection (deliver_challenge / answer_challenge), in both directions: each side
// proves it holds the authkey with an HMAC-SHA256 over a random challenge the other side chose.
// The key itself never travels. Until the server has checked the client's proof, it accepts only
// one small fixed-size message, within a time limit: a client without the key learns nothing
// (not even which objects are served) and costs the server almost nothing.
//
//   server → client   MAGIC, nonceS                              (48 bytes)
//   client → server   MAGIC, HMAC(key, "client:" nonceS), nonceC (80 bytes)
//   server → client   WELCOME, HMAC(key, "server:" nonceC), info | FAILURE
//
// The role labels stop a proof from being reflected back. Each message is a 4-byte big-endian
// length and the bytes. The client sends nothing else until it has checked the server's proof,
// so the server's handshake never sees a byte of what follows it.
import * as crypto from 'crypto';
import type * as net from 'net';
import { AuthenticationError, MESSAGES, ProcessError } from '../../errors';

const MAGIC = Buffer.from('#CLAB-MANAGER-1#');
const NONCE_BYTES = 32;
const DIGEST_BYTES = 32;
const WELCOME = Buffer.from('#WELCOME#');
const FAILURE = Buffer.from('#FAILURE#');
const CHALLENGE_BYTES = MAGIC.length + NONCE_BYTES;
const ANSWER_BYTES = MAGIC.length + DIGEST_BYTES + NONCE_BYTES;
/** What a server may tell an authenticated client about itself (its name, pid, typeids). */
const MAX_INFO_BYTES = 64 * 1024;

/** The bytes of an authkey given as a string (UTF-8) or bytes; refuses anything else, and empty keys. */
export function toAuthKey(key: unknown): Buffer {
  let buf: Buffer | undefined;
  if (typeof key === 'string') buf = Buffer.from(key, 'utf8');
  else if (key instanceof Uint8Array) buf = Buffer.from(key);
  if (!buf || buf.length === 0) throw new ProcessError(MESSAGES.badAuthkey(key));
  return buf;
}

export function randomAuthKey(): Buffer {
  return crypto.randomBytes(32);
}

function proof(key: Buffer, role: 'client' | 'server', nonce: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(role).update(':').update(nonce).digest();
}

function frame(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Collects one length-prefixed handshake message, refusing any longer than `max`. */
class MessageReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly max: number) {}

  /** The whole message; undefined while incomplete; null when the peer broke the rules. */
  push(chunk: Buffer): Buffer | undefined | null {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.buf.length < 4) return undefined;
    const len = this.buf.readUInt32BE(0);
    if (len === 0 || len > this.max) return null;
    if (this.buf.length < 4 + len) return undefined;
    // Nothing may follow a handshake message until the other side has answered it.
    if (this.buf.length > 4 + len) return null;
    return this.buf.subarray(4, 4 + len);
  }
}

/** How a server-side handshake ended: `ok`, or why the connection was dropped. */
export type HandshakeOutcome = 'ok' | 'wrong key' | 'malformed' | 'timeout' | 'closed';

/**
 * Server side. Challenges the client, checks its proof, answers its challenge. `done` is called
 * once, synchronously inside the socket's data handler for 'ok' (so the caller can take the
 * socket over before another byte is read); any other outcome has already destroyed the socket.
 */
export function acceptHandshake(socket: net.Socket, key: Buffer, info: () => object, timeoutMs: number, done: (outcome: HandshakeOutcome) => void): void {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const reader = new MessageReader(ANSWER_BYTES);
  let finished = false;
  const finish = (outcome: HandshakeOutcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('close', onClose);
    if (outcome === 'wrong key') socket.end(frame(FAILURE));
    else if (outcome !== 'ok') socket.destroy();
    done(outcome);
  };
  const onData = (chunk: Buffer) => {
    const msg = reader.push(chunk);
    if (msg === undefined) return;
    if (msg === null || msg.length !== ANSWER_BYTES || !msg.subarray(0, MAGIC.length).equals(MAGIC)) return finish('malformed');
    const theirs = msg.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES);
    if (!crypto.timingSafeEqual(theirs, proof(key, 'client', nonce))) return finish('wrong key');
    const theirNonce = msg.subarray(MAGIC.length + DIGEST_BYTES);
    socket.write(frame(WELCOME, proof(key, 'server', theirNonce), Buffer.from(JSON.stringify(info()))));
    finish('ok');
  };
  const onClose = () => finish('closed');
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  timer.unref();
  socket.on('data', onData);
  socket.on('close', onClose);
  socket.on('error', () => undefined); // 'close' follows
  socket.write(frame(MAGIC, nonce));
}

/**
 * Client side: answers the server's challenge and checks the server's own proof. Resolves with
 * what the server said about itself; rejects with AuthenticationError when either side's key is
 * wrong, ProcessError when the peer is not a manager or does not answer in time. On success the
 * socket has no data listener left and nothing unread: the caller takes it over.
 */
export function offerHandshake(socket: net.Socket, key: Buffer, where: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let reader = new MessageReader(CHALLENGE_BYTES);
    let ourNonce: Buffer | undefined;
    let finished = false;
    const finish = (err: Error | undefined, info?: Record<string, unknown>) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onError);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(info as Record<string, unknown>);
    };
    const notAManager = () => finish(new ProcessError(MESSAGES.notAManager(where)));
    const onData = (chunk: Buffer) => {
      const msg = reader.push(chunk);
      if (msg === undefined) return;
      if (msg === null) return notAManager();
      if (!ourNonce) {
        if (msg.length !== CHALLENGE_BYTES || !msg.subarray(0, MAGIC.length).equals(MAGIC)) return notAManager();
        ourNonce = crypto.randomBytes(NONCE_BYTES);
        reader = new MessageReader(WELCOME.length + DIGEST_BYTES + MAX_INFO_BYTES);
        socket.write(frame(MAGIC, proof(key, 'client', msg.subarray(MAGIC.length)), ourNonce));
        return;
      }
      if (msg.equals(FAILURE)) return finish(new AuthenticationError(MESSAGES.authRejected(where)));
      if (msg.length < WELCOME.length + DIGEST_BYTES || !msg.subarray(0, WELCOME.length).equals(WELCOME)) return notAManager();
      const theirs = msg.subarray(WELCOME.length, WELCOME.length + DIGEST_BYTES);
      if (!crypto.timingSafeEqual(theirs, proof(key, 'server', ourNonce))) return finish(new AuthenticationError(MESSAGES.authServerWrong(where)));
      let info: unknown;
      try {
        info = JSON.parse(msg.subarray(WELCOME.length + DIGEST_BYTES).toString('utf8'));
      } catch {
        info = undefined;
      }
      if (typeof info !== 'object' || info === null || Array.isArray(info)) return notAManager();
      finish(undefined, info as Record<string, unknown>);
    };
    const onClose = () => finish(new ProcessError(ourNonce ? MESSAGES.authClosed(where) : MESSAGES.managerUnreachable(where, 'the connection closed')));
    const onError = (err: Error) => finish(new ProcessError(MESSAGES.managerUnreachable(where, err.message)));
    const timer = setTimeout(() => finish(new ProcessError(MESSAGES.handshakeTimeout(where, timeoutMs))), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}
