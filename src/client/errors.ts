/** The one error type the SDK rejects with and emits. */
import { CLOSE } from '../protocol/codes.ts';

/** Codes the SDK produces itself, next to the server's ErrorCode values. */
export type LocalErrorCode =
  | 'closed' // close() was called, or the connection ended for good
  | 'disconnected' // the connection dropped while a non-idempotent request was in flight
  | 'timeout' // no answer within requestTimeoutMs while connected
  | 'bad_url' // the WebSocket constructor refused the url
  | 'bad_response' // the server answered a request with an unexpected frame
  | 'gap_unfilled' // history could not supply missing events; delivery skipped ahead
  | 'user_changed' // the server welcomed a different user than the one an outbox entry was made as
  | 'discarded' // discard() dropped the outbox entry
  | 'auth' // token() or refresh() failed, or the token expired and there is no refresh()
  | 'aborted' // upload() was cancelled through its signal
  | 'network' // an HTTP request (upload, file links) did not reach the server
  | 'session_revoked' // the server closed with 4411: the login session was ended (logout); sign in again
  | 'outbox_store'; // the OutboxStore failed; writes still go out but may not survive a reload

export class ClientError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** The request (or send idempotency key) this error answers, when it answers one. */
  readonly id?: string;

  constructor(code: string, message: string, retryable: boolean, id?: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    this.retryable = retryable;
    if (id !== undefined) this.id = id;
  }
}

/** The error for a close that ends the client for good (a 44xx code or 1000 from the server). */
export function terminalError(code: number, reason = ''): ClientError {
  if (code === CLOSE.session_revoked) {
    return new ClientError('session_revoked', 'You were signed out: this login session was ended', false);
  }
  const message = `The server closed the connection for good (${code} ${reason})`;
  return new ClientError(code === CLOSE.token_expired ? 'auth' : 'closed', message, false);
}

/** What calls made after close() reject with. */
export function closedError(): ClientError {
  return new ClientError('closed', 'The client is closed', false);
}
