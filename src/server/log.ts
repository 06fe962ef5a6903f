import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout. `node` (the node's id) goes into every line, so the lines of a cluster's
 * nodes can be told apart once collected in one place.
 */
export function createLogger(level: string, node?: string): Logger {
  return pino({ level, base: node === undefined ? { service: 'parley' } : { service: 'parley', node } });
}
