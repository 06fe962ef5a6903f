/**
 * Reading an upload's body without holding it in memory: the first bytes for sniffing, then the
 * rest as a stream that fails with TooLarge past the limit. The request itself is never
 * destroyed here, so the caller can still answer (413, 415…); `discardRest` then drains it.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`upload larger than ${limit} bytes`);
  }
}

/** How long a refused upload may keep sending (discarded) before its socket is cut. */
const DISCARD_MS = 10_000;

/** Resolves with at least `want` bytes (fewer when the body ends first); rejects with TooLarge past `max`. */
export function readHead(req: IncomingMessage, want: number, max: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: Error | undefined, ended = false): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.pause();
      if (err) reject(err);
      else resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) done(new TooLarge(max));
      else if (size >= want) done(undefined);
    };
    const onEnd = (): void => done(undefined, true);
    const onError = (err: Error): void => done(err);
    const onClose = (): void => {
      if (!req.complete) done(new Error('upload aborted'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    req.resume();
  });
}

/** `head` and then the rest of the body, with backpressure; errors with TooLarge past `max` bytes in all. */
export function bodyStream(req: IncomingMessage, head: Buffer, ended: boolean, max: number): Readable {
  let size = head.length;
  const cleanup = (): void => {
    req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  const out = new Readable({
    read: () => {
      if (!ended) req.resume();
    },
    destroy: (err, callback) => {
      cleanup();
      callback(err);
    },
  });
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > max) {
      cleanup();
      req.pause();
      out.destroy(new TooLarge(max));
      return;
    }
    if (!out.push(chunk)) req.pause();
  };
  const onEnd = (): void => {
    cleanup();
    out.push(null);
  };
  const onError = (err: Error): void => {
    cleanup();
    out.destroy(err);
  };
  const onClose = (): void => {
    if (!req.complete) onError(new Error('upload aborted'));
  };
  out.push(head);
  if (ended) out.push(null);
  else req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  return out;
}

/**
 * After an early answer: read and drop whatever the client still sends (so it sees the answer
 * instead of a reset), for at most DISCARD_MS, then cut the connection.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_MS);
  timer.unref();
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.on('data', () => undefined);
  req.resume();
}
