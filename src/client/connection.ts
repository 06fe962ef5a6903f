/**
 * The connection state machine, and the only place the state changes (#setState): it opens the
 * transport with the credentials' token, says hello, runs the heartbeat, and waits out the
 * backoff between attempts. The other parts hear about each welcome, drop and the final close
 * through hooks, and see the connection through the Link interface.
 */
import type { ClientFrame, ServerFrame, UserRef, WelcomeFrame } from '../protocol/index.ts';
import { CLOSE, shouldReconnect } from '../protocol/codes.ts';
import { PROTOCOL_VERSION } from '../protocol/limits.ts';
import { backoffDelay, retryHintMs, type BackoffOptions } from './backoff.ts';
import type { Credentials } from './credentials.ts';
import { ClientError, terminalError } from './errors.ts';
import type { Emitter } from './events.ts';
import { Heartbeat } from './heartbeat.ts';
import { newId } from './ids.ts';
import type { Link } from './link.ts';
import { ABNORMAL_CLOSE, Transport, type WebSocketConstructor } from './transport.ts';
import type { ClientEvents, ConnectionState } from './types.ts';
import { watchWakeSignals } from './wake.ts';

/** Length of a session token the client proposes (192 random bits). */
const SESSION_ID_CHARS = 32;
/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 10_000;

type Timer = ReturnType<typeof setTimeout>;

interface CloseInfo {
  code?: number;
  reason?: string;
}

export interface ConnectionHooks {
  /** Every inbound frame of the current connection. */
  frame(frame: ServerFrame): void;
  /** A welcome, before the state becomes connected: take the server's limits. */
  welcoming(frame: WelcomeFrame): void;
  /** Connected and welcomed on connection `conn` (after the app's `welcome` listeners). */
  welcomed(user: UserRef, conn: number): void;
  /** The connection dropped and will be retried: forget what was tied to it. */
  dropped(): void;
  /** Finishing: stop every timer (before the state becomes closed). */
  stopping(): void;
  /** Closed for good: fail everything still pending with `error`. */
  closed(error: ClientError): void;
}

export interface ConnectionOptions {
  readonly url: string;
  readonly nick: string;
  readonly session: string | undefined;
  readonly WebSocket: WebSocketConstructor;
  readonly backoff: BackoffOptions;
  readonly heartbeatSlackMs: number;
  /** Deadline for open + hello, the same as for any request. */
  readonly timeoutMs: number;
  readonly credentials: Credentials;
  readonly emitter: Emitter<ClientEvents>;
  readonly hooks: ConnectionHooks;
}

export class Connection implements Link {
  readonly #o: ConnectionOptions;
  readonly #emitter: Emitter<ClientEvents>;
  readonly #credentials: Credentials;
  readonly #hooks: ConnectionHooks;

  #state: ConnectionState = 'idle';
  #user: UserRef | undefined;
  #session: string | undefined;
  #transport: Transport | undefined;
  #conn = 0;
  /** Drops since the last stable connection: the backoff attempt. */
  #failures = 0;
  #heartbeat: Heartbeat | undefined;
  /** reconnect: the backoff wait; welcome: deadline for open + hello; stable: resets the backoff. */
  readonly #timers: { reconnect?: Timer; welcome?: Timer; stable?: Timer } = {};
  #unwatchWake: (() => void) | undefined;
  #final = false;
  /** The current connection attempt got past the handshake. */
  #opened = false;

  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#emitter = options.emitter;
    this.#credentials = options.credentials;
    this.#hooks = options.hooks;
    this.#session = options.session;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get user(): UserRef | undefined {
    return this.#user;
  }

  get session(): string | undefined {
    return this.#session;
  }

  get conn(): number {
    return this.#conn;
  }

  get final(): boolean {
    return this.#final;
  }

  connected(): boolean {
    return this.#state === 'connected' && this.#transport !== undefined;
  }

  isCurrent(conn: number): boolean {
    return this.#conn === conn && this.connected();
  }

  send(frame: ClientFrame): void {
    this.#transport?.send(frame);
  }

  connect(): void {
    // While reconnecting, connect() skips the rest of the backoff wait. After the server ended
    // the connection for good it starts over (the app's "try again"); after close() it does nothing.
    if (this.#state === 'closed' && !this.#final) this.#failures = 0;
    else if (this.#state !== 'idle' && this.#state !== 'reconnecting') return;
    this.#open();
  }

  close(): void {
    if (this.#final) return;
    this.#final = true;
    if (this.#state === 'closed') return;
    this.#finish(new ClientError('closed', 'The client was closed', false), {
      code: CLOSE.normal,
      reason: 'client closed',
    });
  }

  /** The server refused our hello (nick_taken, bad_frame…): the same hello cannot succeed. */
  refused(error: ClientError): void {
    // Stop now instead of waiting for a close: the server does not always send one.
    if (this.#state === 'connecting' && !error.retryable) {
      this.#finish(error, { code: CLOSE.rejected, reason: error.code });
    }
  }

  abort(code: number, reason: string): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#transport = undefined;
    transport.close(code, reason, true);
    this.#dropped({ code, reason });
  }

  /** A `profile` frame: when it is this user's, `user` has the new display name from now on. */
  renamed(user: UserRef): void {
    if (this.#user && user.id === this.#user.id) this.#user = user;
  }

  welcome(frame: WelcomeFrame): void {
    if (this.#state !== 'connecting') return;
    this.#clearTimer('welcome');
    this.#user = frame.user;
    this.#session = frame.session;
    this.#credentials.welcomed();
    this.#hooks.welcoming(frame);
    this.#heartbeat = new Heartbeat({
      intervalMs: frame.heartbeatMs,
      slackMs: this.#o.heartbeatSlackMs,
      ping: () => this.#transport?.send({ type: 'ping' }),
      dead: () => this.abort(CLOSE.heartbeat_timeout, 'heartbeat timeout'),
    });
    this.#timers.stable = setTimeout(() => {
      this.#timers.stable = undefined;
      this.#failures = 0;
    }, STABLE_MS);
    const conn = this.#conn;
    this.#setState('connected', {});
    if (!this.isCurrent(conn)) return;
    this.#emitter.emit('welcome', { user: frame.user, session: frame.session });
    if (!this.isCurrent(conn)) return;
    this.#hooks.welcomed(frame.user, conn);
  }

  #open(): void {
    this.#clearTimer('reconnect');
    this.#unwatchWake ??= watchWakeSignals(() => {
      if (this.#state === 'reconnecting') this.#open();
    });
    const conn = ++this.#conn;
    this.#setState('connecting', {});
    if (this.#state !== 'connecting' || this.#conn !== conn) return; // a state listener intervened
    this.#opened = false;
    if (!this.#credentials.needed) {
      this.#startTransport(conn, undefined);
    } else {
      this.#credentials.accessToken().then(
        (token) => {
          if (this.#conn === conn && this.#state === 'connecting') this.#startTransport(conn, token);
        },
        (err: unknown) => {
          if (this.#conn !== conn || this.#state === 'closed') return;
          const message = err instanceof Error ? err.message : String(err);
          const error = new ClientError('auth', `Could not get an access token: ${message}`, false);
          this.#emitter.emit('error', error);
          this.#finish(error, { reason: error.message });
        },
      );
    }
    this.#timers.welcome = setTimeout(() => {
      this.#timers.welcome = undefined;
      this.abort(CLOSE.hello_timeout, 'no welcome in time');
    }, this.#o.timeoutMs);
  }

  #startTransport(conn: number, token: string | undefined): void {
    this.#credentials.using(token);
    // The token rides in the subprotocol list: browsers cannot set an Authorization header.
    const protocols = token ? ['parley.v1', `bearer.${token}`] : undefined;
    try {
      this.#transport = new Transport(
        this.#o.WebSocket,
        this.#o.url,
        {
          open: () => this.#onOpen(conn),
          frame: (frame) => {
            if (this.#conn !== conn) return;
            this.#heartbeat?.seen();
            this.#hooks.frame(frame);
          },
          garbage: (text) => {
            if (this.#conn !== conn) return;
            const sample = text.slice(0, 80);
            this.#emitter.emit('error', new ClientError('bad_frame', `Unreadable frame from server: ${sample}`, false));
          },
          closed: (code, reason) => {
            if (this.#conn !== conn) return;
            this.#transport = undefined;
            this.#dropped({ code, reason });
          },
        },
        protocols,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const error = new ClientError('bad_url', `Cannot open ${this.#o.url}: ${message}`, false);
      this.#emitter.emit('error', error);
      this.#finish(error, { reason: error.message });
    }
  }

  #onOpen(conn: number): void {
    if (this.#conn !== conn) return;
    this.#opened = true;
    // Without a session yet, propose one: a retry after a lost welcome is then the same session.
    this.#session ??= newId(SESSION_ID_CHARS);
    this.#transport?.send({ type: 'hello', v: PROTOCOL_VERSION, nick: this.#o.nick, session: this.#session });
  }

  /** The connection ended without close(): decide between reconnecting and giving up. */
  #dropped(info: CloseInfo): void {
    const code = info.code ?? ABNORMAL_CLOSE;
    const expired = this.#credentials.dropped(code, this.#opened);
    if (!shouldReconnect(code) && !expired) {
      const error = terminalError(code, info.reason);
      this.#emitter.emit('error', error);
      if (this.#state !== 'closed') this.#finish(error, info);
      return;
    }
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    this.#clearTimer('welcome');
    this.#clearTimer('stable');
    this.#hooks.dropped();
    if (!expired) this.#failures++;
    // Honour a shutting-down server's own spread; otherwise exponential backoff with full jitter.
    const hint = retryHintMs(info.reason);
    const backoff = this.#o.backoff;
    const delayMs = expired
      ? 0
      : hint === undefined
        ? backoffDelay(this.#failures - 1, backoff)
        : Math.min(hint, backoff.maxMs);
    this.#setState('reconnecting', { delayMs, ...info });
    if (this.#state !== 'reconnecting') return;
    this.#timers.reconnect = setTimeout(() => {
      this.#timers.reconnect = undefined;
      if (this.#state === 'reconnecting') this.#open();
    }, delayMs);
  }

  /** Final state: close the socket, stop every timer and listener, reject everything pending. */
  #finish(error: ClientError, info: CloseInfo): void {
    const transport = this.#transport;
    this.#transport = undefined;
    transport?.close(CLOSE.normal, 'client closed');
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    this.#clearTimer('reconnect');
    this.#clearTimer('welcome');
    this.#clearTimer('stable');
    this.#hooks.stopping();
    this.#unwatchWake?.();
    this.#unwatchWake = undefined;
    this.#setState('closed', info);
    this.#hooks.closed(error);
  }

  #setState(next: ConnectionState, info: CloseInfo & { delayMs?: number }): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    const payload: ClientEvents['state'] = { state: next, prev, attempt: this.#failures };
    if (info.delayMs !== undefined) payload.delayMs = info.delayMs;
    if (info.code !== undefined) payload.code = info.code;
    if (info.reason !== undefined) payload.reason = info.reason;
    this.#emitter.emit('state', payload);
  }

  #clearTimer(which: 'reconnect' | 'welcome' | 'stable'): void {
    const timer = this.#timers[which];
    if (timer !== undefined) clearTimeout(timer);
    this.#timers[which] = undefined;
  }
}
