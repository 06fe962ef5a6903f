/**
 * The last resort behind the entry-point guards (guard.ts): an exception or rejection that still
 * reaches the process means state nobody planned for. Log it, drain exactly as on SIGTERM (acks
 * in flight go out, sockets close with 1001 so clients resume elsewhere), then exit non-zero so a
 * supervisor restarts a clean process.
 */
import type { Logger } from './log.ts';

/** How long the drain may take before the process exits anyway. */
export const CRASH_DRAIN_MS = 10_000;

interface Drainable {
  readonly log: Logger;
  close(): Promise<void>;
}

export function exitOnCrash(server: Drainable, exit: (code: number) => void = (code) => process.exit(code)): void {
  let crashing = false;
  const crash =
    (kind: 'uncaughtException' | 'unhandledRejection') =>
    (err: unknown): void => {
      server.log.fatal({ err, kind }, 'uncaught failure; draining, then exiting with status 1');
      if (crashing) return;
      crashing = true;
      // Not unref: with a crash handler installed, an empty loop would exit 0.
      setTimeout(() => exit(1), CRASH_DRAIN_MS);
      server.close().then(
        () => exit(1),
        (closeErr: unknown) => {
          server.log.error({ err: closeErr }, 'drain after a crash failed');
          exit(1);
        },
      );
    };
  process.on('uncaughtException', crash('uncaughtException'));
  process.on('unhandledRejection', crash('unhandledRejection'));
}
