/** The last messages seen per room, so an edit, delete or reaction can say which message it touches. */

/** Enough for the screenful a person can see; older references fall back to "message <seq>". */
const MAX_REMEMBERED = 1000;

export interface Remembered {
  readonly nick: string;
  readonly body: string;
}

export class RecentMessages {
  readonly #byKey = new Map<string, Remembered>();

  remember(room: string, seq: number, message: Remembered): void {
    const key = `${room}\n${seq}`;
    this.#byKey.delete(key);
    this.#byKey.set(key, message);
    if (this.#byKey.size > MAX_REMEMBERED) {
      const oldest = this.#byKey.keys().next().value;
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
  }

  get(room: string, seq: number): Remembered | undefined {
    return this.#byKey.get(`${room}\n${seq}`);
  }
}
