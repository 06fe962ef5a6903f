/** Reconnect delays: exponential growth with full jitter, so a crowd of clients spreads out. */

export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 30_000 };

/** ClientOptions.backoff over the defaults. */
export function backoffOptions(given: Partial<BackoffOptions> | undefined): BackoffOptions {
  return { minMs: given?.minMs ?? DEFAULT_BACKOFF.minMs, maxMs: given?.maxMs ?? DEFAULT_BACKOFF.maxMs };
}

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry):
 * a uniform random value in [0, min(maxMs, minMs * 2^attempt)).
 * `random` is injectable so tests can pin the jitter.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const minMs = Math.max(0, options.minMs);
  const maxMs = Math.max(minMs, options.maxMs);
  // Cap the exponent: 2^1024 is Infinity, and past ~40 doublings the cap always wins anyway.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 40);
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(r * ceiling), Math.max(0, ceiling - 1));
}

/**
 * A server shutting down closes with a reason like {"retryMs":1234}: its own spread of the
 * reconnect crowd. Returns that delay, or undefined when the reason holds no hint.
 */
export function retryHintMs(reason: string | undefined): number | undefined {
  if (!reason || reason[0] !== '{') return undefined;
  try {
    const hint = (JSON.parse(reason) as { retryMs?: unknown }).retryMs;
    return typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? Math.floor(hint) : undefined;
  } catch {
    return undefined;
  }
}
