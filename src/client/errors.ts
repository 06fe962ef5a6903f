/** The one error type the SDK rejects with and emits. */

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
