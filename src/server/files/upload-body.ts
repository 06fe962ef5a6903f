/**
 * Reading an upload's body without holding it in memory: the first bytes for sniffing, then the
 * rest as a stream that fails with TooLarge past the limit, or BodyTimeout when the client sends
 * nothing for a while. The request itself is never destroyed here, so the caller can still
 * answer (413, 408…); `discard` then drains it.
 *
 * One set of listeners stays on the request from the first byte to the last. When the body is
 * already buffered and ended, reading its last chunk makes Node emit `end` on the next tick even
 * if the reader pauses in its 'data' handler; a reader that detached there and a second one that
 * attached after the (asynchronous) type sniff lost that `end`, and the upload hung forever with
 * a complete `.part` file (issue 10, finding 5).
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`upload larger than ${limit} bytes`);
  }
}

/** The client sent nothing for `ms` while the server was waiting for bytes, or ran past a deadline. */
export class BodyTimeout extends Error {
  constructor(readonly ms: number) {
    super(`upload stalled for ${ms} ms`);
  }
}

/** The client went away before the body ended. */
export class BodyAborted extends Error {
  constructor() {
    super('upload aborted');
  }
}

/** How long a refused upload may keep sending (discarded) before its socket is cut. */
const DISCARD_MS = 10_000;

export class UploadBody {
  readonly #req: IncomingMessage;
  readonly #max: number;
  readonly #idleMs: number;
  /** Bytes read before stream() took over (the head). */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #size = 0;
  #want = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #out: Readable | undefined;
  #idle: NodeJS.Timeout | undefined;

  constructor(req: IncomingMessage, max: number, idleMs: number) {
    this.#req = req;
    this.#max = max;
    this.#idleMs = idleMs;
    req.on('data', this.#onData).on('end', this.#onEnd).on('error', this.#onError).on('close', this.#onClose);
    if (req.destroyed && !req.complete) this.fail(new BodyAborted());
  }

  /** True once the client has sent the whole body. */
  get ended(): boolean {
    return this.#ended;
  }

  /** At least `want` bytes (fewer when the body ends first); rejects with the body's error. */
  async head(want: number): Promise<{ head: Buffer; ended: boolean }> {
    if (this.#heldBytes < want && !this.#ended && !this.#error) {
      this.#want = want;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#flow();
      });
    }
    if (this.#error) throw this.#error;
    const head = Buffer.concat(this.#held);
    this.#held = [head];
    return { head, ended: this.#ended };
  }

  /** The held head and then the rest of the body, with backpressure; errors with the body's error. */
  stream(): Readable {
    if (this.#out) throw new Error('stream() called twice');
    const out = new Readable({
      read: () => this.#flow(),
      destroy: (err, callback) => {
        this.#pause();
        callback(err);
      },
    });
    this.#out = out;
    for (const chunk of this.#held) out.push(chunk);
    this.#held = [];
    this.#heldBytes = 0;
    if (this.#error) out.destroy(this.#error);
    else if (this.#ended) out.push(null);
    return out;
  }

  /** Stops reading with `err` (e.g. a deadline passed): head() rejects, the stream errors. */
  fail(err: Error): void {
    if (this.#error || this.#ended) return;
    this.#error = err;
    this.#pause();
    this.#detach();
    this.#out?.destroy(err);
    this.#wakeUp();
  }

  /** After an early answer: stop reading for the upload and drop what the client still sends. */
  discard(): void {
    this.#pause();
    this.#detach();
    this.#held = [];
    discardRest(this.#req);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#size += chunk.length;
    if (this.#size > this.#max) return this.fail(new TooLarge(this.#max));
    this.#armIdle();
    if (this.#out) {
      if (!this.#out.push(chunk)) this.#pause();
      return;
    }
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#heldBytes >= this.#want) {
      this.#pause();
      this.#wakeUp();
    }
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#clearIdle();
    this.#detach();
    this.#out?.push(null);
    this.#wakeUp();
  };

  readonly #onError = (): void => this.fail(new BodyAborted());

  readonly #onClose = (): void => {
    if (!this.#req.complete) this.fail(new BodyAborted());
  };

  /** Wants more bytes: resume the request and start the idle clock. */
  #flow(): void {
    if (this.#ended || this.#error) return;
    this.#armIdle();
    this.#req.resume();
  }

  /** Wants no bytes for now (full buffers, or sniffing): the client is not to blame for the wait. */
  #pause(): void {
    this.#clearIdle();
    this.#req.pause();
  }

  #armIdle(): void {
    this.#clearIdle();
    if (this.#idleMs <= 0) return;
    this.#idle = setTimeout(() => this.fail(new BodyTimeout(this.#idleMs)), this.#idleMs);
    this.#idle.unref();
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #detach(): void {
    this.#clearIdle();
    this.#req.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onError).off('close', this.#onClose);
  }
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
