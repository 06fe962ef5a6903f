/**
 * The one guard around every entry point (HTTP request, upgrade, WebSocket message and close,
 * timers, broker callbacks): a failure is logged with its context and answered by closing at
 * most the request or connection it came from. Nothing thrown there reaches the process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './log.ts';

/**
 * Runs `work` (sync or async); a throw or rejection is logged with `context` and then handed to
 * `recover` (e.g. answer 500, close the socket). A failing `recover` is logged too, never thrown.
 */
export function guarded(
  log: Logger,
  context: Record<string, unknown>,
  work: () => unknown,
  recover?: (err: unknown) => void,
): void {
  const fail = (err: unknown): void => {
    log.error({ ...context, err }, 'unexpected failure; contained');
    if (!recover) return;
    try {
      recover(err);
    } catch (again) {
      log.error({ ...context, err: again }, 'recovery failed');
    }
  };
  try {
    const result = work();
    if (result instanceof Promise) result.catch(fail);
  } catch (err) {
    fail(err);
  }
}

/** An HTTP handler that answers 500 `internal` (or cuts the response if it had begun) on any failure. */
export function guardRequest(
  log: Logger,
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    guarded(
      log,
      { method: req.method, url: req.url?.slice(0, 200) },
      () => handler(req, res),
      () => internalError(res),
    );
}

/** An upgrade handler whose failures destroy that one socket. */
export function guardUpgrade(
  log: Logger,
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) =>
    guarded(
      log,
      { upgrade: req.url?.slice(0, 200) },
      () => handler(req, socket, head),
      () => socket.destroy(),
    );
}

/** 500 while nothing was sent; once headers are out, the only honest answer is to cut the response. */
export function internalError(res: ServerResponse): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy();
    return;
  }
  res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error: 'internal', message: 'Internal server error' }));
}
