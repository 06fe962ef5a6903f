/**
 * Script mode (stdin is not a terminal): send every line read to the room, each once the one
 * before it is acknowledged, i.e. durable; then exit. Status goes to stderr, nothing to stdout.
 */
import { createInterface } from 'node:readline';
import type { ChatArgs } from './args.ts';
import { EXIT } from './args.ts';
import type { ChatConnection } from './connect.ts';
import { ChatExit } from './exit.ts';
import { renderState } from './render.ts';

export interface ScriptIO {
  readonly input: NodeJS.ReadableStream;
  readonly errors: NodeJS.WritableStream;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChatExit('failed', `not acknowledged within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function runScript(conn: ChatConnection, args: ChatArgs, io: ScriptIO): Promise<number> {
  const { client } = conn;
  let connectedOnce = false;
  const offState = client.on('state', (change) => {
    if (!connectedOnce) return; // start() reports a failed first connection
    const line = renderState(change, { firstConnect: false, socketError: conn.lastSocketError() });
    if (line) io.errors.write(`parley: ${line}\n`);
  });
  try {
    await conn.start();
    connectedOnce = true;
    await withDeadline(client.join(args.room), args.timeoutMs).catch((err: unknown) => {
      throw new ChatExit('failed', `cannot join #${args.room}: ${message(err)}`);
    });
    const lines = createInterface({ input: io.input, crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) {
      number++;
      if (!line.trim()) continue; // the server refuses blank messages
      try {
        await withDeadline(client.send(args.room, line), args.timeoutMs);
      } catch (err) {
        lines.close();
        const what = err instanceof ChatExit ? `${message(err)} (it may still be stored)` : `refused: ${message(err)}`;
        throw new ChatExit('failed', `line ${number} ${what}; later lines were not sent`);
      }
    }
    return EXIT.ok;
  } finally {
    offState(); // our own close is no news
    client.close();
  }
}
