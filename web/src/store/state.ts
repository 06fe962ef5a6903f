/**
 * The store's one mutable cell: the current ChatState snapshot, who listens to it, and the
 * per-room generations that let late answers be dropped. Every part of the store changes state
 * through here; a disposed store changes nothing.
 */
import type { ParleyClient } from '../../../src/client/index.ts';
import type { ChatState, Listener, RoomView } from './types.ts';

export class StoreState {
  private current: ChatState;
  private readonly listeners = new Set<Listener>();
  /** Bumped on (re)join and reset; answers for an older generation are dropped. */
  private readonly gens = new Map<string, number>();
  disposed = false;

  constructor(
    initial: ChatState,
    readonly client: ParleyClient,
  ) {
    this.current = initial;
  }

  get state(): ChatState {
    return this.current;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  set(patch: Partial<ChatState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const fn of this.listeners) fn(this.current);
  }

  setView(room: string, view: RoomView): void {
    this.set({ views: { ...this.current.views, [room]: view } });
  }

  updateView(room: string, fn: (v: RoomView) => RoomView): void {
    const view = this.current.views[room];
    if (!view) return;
    const next = fn(view);
    if (next !== view) this.setView(room, next);
  }

  /** Drop `room`'s view (the caller decides what is shown instead). */
  dropView(room: string): Readonly<Record<string, RoomView>> {
    const { [room]: _gone, ...views } = this.current.views;
    return views;
  }

  gen(room: string): number {
    return this.gens.get(room) ?? 0;
  }

  bump(room: string): number {
    const next = this.gen(room) + 1;
    this.gens.set(room, next);
    return next;
  }
}
