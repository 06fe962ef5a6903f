/**
 * The one way an HTTP route answers JSON, and errors: `{"error": code, "message": text, ...extra}`
 * with the status the catalogue gives the code (src/protocol/codes.ts, HTTP_STATUS).
 */
import type { ServerResponse } from 'node:http';
import { ERRORS, httpStatus, type BadRequestReason, type ErrorCode } from '../../protocol/index.ts';

export type Headers = Readonly<Record<string, string>>;

/**
 * Answers `status` with `body` as JSON, never cached. A late answer must not throw a second head:
 * once headers are out, a response still being written is cut, and a finished one is left alone.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

export interface HttpErrorInit {
  /** Instead of the catalogue's message. */
  readonly message?: string;
  /** More fields of the body, after `error` and `message` (e.g. `retryAfterMs`). */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly headers?: Headers;
  /** For `bad_request`: the reason with a more precise status (408, 413, 415). */
  readonly reason?: BadRequestReason;
}

/** Answers `code` with its catalogue status; `token_invalid` also says which schemes are accepted. */
export function httpError(res: ServerResponse, code: ErrorCode, init: HttpErrorInit = {}): void {
  const { message = ERRORS[code].message, extra = {}, reason } = init;
  const headers: Headers =
    code === 'token_invalid' ? { 'WWW-Authenticate': 'Bearer, Session', ...init.headers } : (init.headers ?? {});
  sendJson(res, httpStatus(code, reason), { error: code, message, ...extra }, headers);
}
