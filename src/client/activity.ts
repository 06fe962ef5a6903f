/**
 * Idle detection for browsers: a page is idle when it is hidden (document.hidden) or had no user
 * input for `idleMs`. Feeds `client.setActivity`, which the server aggregates over all of a
 * user's connections into online / away.
 */

export type Activity = 'active' | 'idle';

export interface ActivityOptions {
  /** No input for this long counts as idle; default 5 minutes. */
  idleMs?: number;
  /** Default globalThis.document (absent in Node: then only input calls to `poke()` count). */
  document?: Document;
}

export interface ActivityWatch {
  readonly activity: Activity;
  /** Counts as input (e.g. from a custom control); the DOM listeners call it too. */
  poke(): void;
  stop(): void;
}

export const DEFAULT_IDLE_MS = 5 * 60_000;

/** Input events that mean someone is at the page (passive, captured on the document). */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'focusin'] as const;

/** Calls `changed` with 'idle' / 'active' whenever the page's activity flips. */
export function watchActivity(changed: (activity: Activity) => void, opts: ActivityOptions = {}): ActivityWatch {
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const doc = opts.document ?? (globalThis as { document?: Document }).document;
  let activity: Activity = doc?.hidden ? 'idle' : 'active';
  let lastInput = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const set = (next: Activity): void => {
    if (next === activity) return;
    activity = next;
    changed(next);
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, lastInput + idleMs - Date.now()));
  };
  function check(): void {
    if (doc?.hidden || Date.now() - lastInput >= idleMs) set('idle');
    else arm();
  }
  const poke = (): void => {
    lastInput = Date.now();
    // pointermove fires often: while active the pending check re-arms itself from lastInput.
    if (activity === 'active' || doc?.hidden) return;
    set('active');
    arm();
  };
  const visibility = (): void => {
    if (doc?.hidden) set('idle');
    else poke();
  };

  doc?.addEventListener('visibilitychange', visibility);
  for (const type of INPUT_EVENTS) doc?.addEventListener(type, poke, { capture: true, passive: true });
  if (activity === 'idle') changed('idle');
  arm();
  return {
    get activity() {
      return activity;
    },
    poke,
    stop() {
      clearTimeout(timer);
      doc?.removeEventListener('visibilitychange', visibility);
      for (const type of INPUT_EVENTS) doc?.removeEventListener(type, poke, { capture: true });
    },
  };
}
