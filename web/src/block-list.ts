/**
 * Whom you block, for the web app: the SDK's `blocks` list as a store components subscribe to
 * (asked after each welcome, kept current by the server's answers and live updates from your
 * other tabs), and block / unblock by user id — never by a name, which another guest may hold.
 */
import type { ParleyClient, UserRef } from '../../src/client/index.ts';

export class BlockList {
  readonly #client: ParleyClient;
  #users: readonly UserRef[] = [];
  #ids: ReadonlySet<string> = new Set();
  readonly #listeners = new Set<() => void>();
  readonly #offs: (() => void)[];

  constructor(client: ParleyClient) {
    this.#client = client;
    this.#offs = [
      client.on('blocks', ({ users }) => this.#set(users)),
      client.on('welcome', () => void client.blocked().catch(() => undefined)),
    ];
  }

  get users(): readonly UserRef[] {
    return this.#users;
  }

  has(userId: string): boolean {
    return this.#ids.has(userId);
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async block(userId: string): Promise<void> {
    this.#set(await this.#client.block(userId));
  }

  async unblock(userId: string): Promise<void> {
    this.#set(await this.#client.unblock(userId));
  }

  close(): void {
    for (const off of this.#offs) off();
    this.#listeners.clear();
  }

  #set(users: readonly UserRef[]): void {
    this.#users = users;
    this.#ids = new Set(users.map((u) => u.id));
    for (const fn of [...this.#listeners]) fn();
  }
}
