/** `--tail`: the room's incoming events as JSON lines on stdout until interrupted; status on stderr. */
import type { ChatArgs } from './args.ts';
import { EXIT } from './args.ts';
import type { ChatConnection } from './connect.ts';
import { ChatExit } from './exit.ts';
import { toJsonLine } from './json-lines.ts';
import { renderState } from './render.ts';

export interface TailIO {
  readonly output: NodeJS.WritableStream;
  readonly errors: NodeJS.WritableStream;
  /** Resolves when the user wants to stop (SIGINT, SIGTERM, the reader went away). */
  readonly stopped: Promise<void>;
}

export async function runTail(conn: ChatConnection, args: ChatArgs, io: TailIO): Promise<number> {
  const { client } = conn;
  let connectedOnce = false;
  let ended: ((code: number) => void) | undefined;
  const end = new Promise<number>((resolve) => (ended = resolve));
  client.on('event', (e) => io.output.write(`${toJsonLine(e)}\n`));
  const offState = client.on('state', (change) => {
    if (!connectedOnce) return;
    const line = renderState(change, { firstConnect: false, socketError: conn.lastSocketError() });
    if (line) io.errors.write(`parley: ${line}\n`);
    if (change.state === 'closed') ended?.(EXIT.failed);
  });
  try {
    await conn.start();
    connectedOnce = true;
    await client.join(args.room).catch((err: unknown) => {
      throw new ChatExit('failed', `cannot join #${args.room}: ${(err as Error).message}`);
    });
    io.errors.write(`parley: following #${args.room} (Ctrl+C to stop)\n`);
    return await Promise.race([end, io.stopped.then(() => EXIT.ok)]);
  } finally {
    offState(); // our own close is no news
    client.close();
  }
}
