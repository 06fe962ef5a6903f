/**
 * Client-side liveness. The server's WebSocket pings are invisible to browser JS, so the
 * client watches its own inbound traffic: quiet for intervalMs → send an app-level ping;
 * quiet for intervalMs + slackMs → the connection is dead.
 */

export interface HeartbeatOptions {
  readonly intervalMs: number;
  readonly slackMs: number;
  ping(): void;
  dead(): void;
  now?: () => number;
}

export class Heartbeat {
  readonly #opts: HeartbeatOptions;
  readonly #now: () => number;
  #lastSeen: number;
  #pinged = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: HeartbeatOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#lastSeen = this.#now();
    this.#schedule(opts.intervalMs);
  }

  /** Something arrived. Cheap: no timer churn per frame, the timer re-reads this when it fires. */
  seen(): void {
    this.#lastSeen = this.#now();
    this.#pinged = false;
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(0, ms));
  }

  #check(): void {
    this.#timer = undefined;
    const { intervalMs, slackMs } = this.#opts;
    const quiet = this.#now() - this.#lastSeen;
    if (quiet >= intervalMs + slackMs) {
      this.#opts.dead();
      return;
    }
    if (quiet >= intervalMs && !this.#pinged) {
      this.#pinged = true;
      this.#opts.ping();
    }
    const nextAt = quiet >= intervalMs ? intervalMs + slackMs : intervalMs;
    this.#schedule(nextAt - quiet);
  }
}
