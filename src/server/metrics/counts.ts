/**
 * Plain counts by label value, for the hot path: adding is a Map update, no label hashing.
 * prom-client reads them only when /metrics is scraped (node-metrics.ts).
 */
export class Counts implements Iterable<[string, number]> {
  readonly #counts = new Map<string, number>();

  /** `keys` start at 0, so their series exist before anything happened (Prometheus practice). */
  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.#counts.set(key, 0);
  }

  add(key: string, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }
}

/** The `type` of a serialized frame, read from its first bytes (every frame is built `{type, …}`). */
export function frameType(json: string): string {
  const PREFIX = '{"type":"';
  if (!json.startsWith(PREFIX)) return 'unknown';
  const end = json.indexOf('"', PREFIX.length);
  return end < 0 ? 'unknown' : json.slice(PREFIX.length, end);
}
