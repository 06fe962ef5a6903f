/**
 * Presence in the SDK: the last known status of users (from `status` frames and `who` answers),
 * and this client's own activity, sent to the server when it changes and after every welcome.
 */
import type { StatusFrame, UserStatus } from '../protocol/frames.ts';
import type { Activity } from './activity.ts';

export interface StatusHost {
  emit(users: UserStatus[]): void;
  /** Writes the frame when connected; false when not. */
  send(activity: Activity): boolean;
  /** Asks the server about these users (at most LIMITS.whoMax). */
  who(ids: string[]): Promise<StatusFrame>;
}

export class StatusBook {
  readonly #host: StatusHost;
  readonly #known = new Map<string, UserStatus>();
  #activity: Activity = 'active';

  constructor(host: StatusHost) {
    this.#host = host;
  }

  get activity(): Activity {
    return this.#activity;
  }

  get(userId: string): UserStatus | undefined {
    return this.#known.get(userId);
  }

  /** Live changes, and `who` answers: both replace what was known of those users. */
  apply(frame: StatusFrame): void {
    const changed: UserStatus[] = [];
    for (const s of frame.users) {
      const had = this.#known.get(s.user.id);
      this.#known.set(s.user.id, s);
      if (!had || had.state !== s.state || had.lastSeen !== s.lastSeen || had.user.nick !== s.user.nick)
        changed.push(s);
    }
    if (changed.length > 0) this.#host.emit(changed);
  }

  async who(ids: readonly string[], max: number): Promise<UserStatus[]> {
    const unique = [...new Set(ids)];
    const out: UserStatus[] = [];
    for (let i = 0; i < unique.length; i += max) {
      const frame = await this.#host.who(unique.slice(i, i + max));
      this.apply(frame);
      out.push(...frame.users);
    }
    return out;
  }

  setActivity(activity: Activity): void {
    if (activity === this.#activity) return;
    this.#activity = activity;
    this.#host.send(activity);
  }

  /**
   * After a welcome: the server counts a new connection as active, so say so when idle; and what
   * is known may be stale after a gap, so ask again about everyone known.
   */
  connected(max: number): void {
    if (this.#activity === 'idle') this.#host.send('idle');
    if (this.#known.size > 0) this.who([...this.#known.keys()], max).catch(() => undefined);
  }
}
