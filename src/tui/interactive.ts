/** Interactive mode: a prompt; typed lines go to the current room, /commands do the rest. */
import { followIncomingDms } from './dm.ts';
import type { ChatArgs } from './args.ts';
import { EXIT } from './args.ts';
import { completeCommand, findCommand, parseCommand, type CommandContext } from './commands.ts';
import type { ChatConnection } from './connect.ts';
import { EventRenderer, renderState } from './render.ts';
import { RoomNames } from './room-names.ts';
import { oneLine } from './sanitize.ts';
import { ChatSession } from './session.ts';
import { colorsWanted, createStyle } from './style.ts';
import { Terminal, type TerminalIO } from './terminal.ts';

export interface InteractiveIO extends TerminalIO {
  readonly errors: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

function errorText(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** Settles when every promise has, or after `ms`. */
function settledWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return Promise.race([Promise.allSettled(promises).then(() => undefined), deadline]).finally(() =>
    clearTimeout(timer),
  );
}

export function runInteractive(conn: ChatConnection, args: ChatArgs, io: InteractiveIO): Promise<number> {
  const { client } = conn;
  const term = new Terminal(io, completeCommand);
  const style = createStyle(colorsWanted(io.output, io.env));
  const notice = (text: string) => term.print(style.notice(text));
  const names = new RoomNames(() => client.user?.id);
  const session = new ChatSession(
    client,
    new EventRenderer(style, (room) => names.label(room)),
    {
      print: (text) => term.print(text),
      roomChanged: (room) => term.setPrompt(room === undefined ? '> ' : `${names.label(room)}> `),
    },
    names,
  );
  /** Sends not yet acknowledged, waited for (up to the timeout) on /quit and end of input. */
  const unacked = new Set<Promise<unknown>>();
  let connectedOnce = false;
  /** Typed lines run one after another, and only once the start-up join is done. */
  let queue: Promise<void> = Promise.resolve();

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number, message?: string): void => {
      if (done) return;
      done = true;
      client.close();
      term.close();
      if (message) io.errors.write(`parley: ${message}\n`);
      resolve(code);
    };
    let quitting: Promise<void> | undefined;
    const quit = (): Promise<void> =>
      (quitting ??= (async () => {
        await queue;
        if (unacked.size > 0) {
          notice(`waiting for ${unacked.size} message(s) to be acknowledged…`);
          await settledWithin(unacked, args.timeoutMs);
        }
        finish(EXIT.ok);
      })());
    const ctx: CommandContext = { session, quit: () => void quit() };

    client.on('state', (change) => {
      if (done) return; // our own close is no news
      const line = renderState(change, { firstConnect: !connectedOnce, socketError: conn.lastSocketError() });
      if (line) notice(line);
      if (change.state === 'closed' && connectedOnce) finish(EXIT.failed, 'the server ended the session');
    });
    client.on('event', (e) => session.showEvent(e));
    followIncomingDms(session, notice);
    client.on('presence', ({ room, online }) => session.setOnline(room, online));
    client.on('removed', ({ room, reason, by }) => {
      session.forget(room);
      notice(`you were ${reason === 'ban' ? 'banned' : 'kicked'} from ${names.label(room)} by ${oneLine(by.nick)}`);
    });
    client.on('reset', ({ room }) => notice(`#${oneLine(room)} was reset on the server; /history reloads it`));
    client.on('error', (e) => {
      if (connectedOnce) term.print(style.error(`error: ${errorText(e)}`));
    });

    const send = (room: string, text: string): void => {
      if (client.state !== 'connected') notice('not connected: the message goes out once reconnected');
      const sent = client.send(room, text).then(
        () => undefined,
        (err: unknown) => term.print(style.error(`not sent: ${errorText(err)}`)),
      );
      unacked.add(sent);
      void sent.finally(() => unacked.delete(sent));
    };

    const handleLine = async (line: string): Promise<void> => {
      const command = parseCommand(line);
      if (command) {
        const found = findCommand(command.name);
        if (!found) term.print(`unknown command /${oneLine(command.name)}; /help lists them`);
        else
          await Promise.resolve(found.run(ctx, command.arg)).catch((err: unknown) =>
            term.print(style.error(errorText(err))),
          );
      } else if (line.trim()) {
        const room = session.current;
        if (room === undefined) term.print('join a room first: /join name');
        else {
          // The line comes back as a message line with time and sender.
          term.eraseEntered(line);
          send(room, line.trimStart().startsWith('//') ? line.trimStart().slice(1) : line);
        }
      }
      if (!done) term.prompt();
    };

    term.onLine((line) => {
      queue = queue.then(() => handleLine(line));
    });
    term.onClose(() => void quit());
    term.onInterrupt(() => finish(EXIT.ok));

    notice(`connecting to ${args.url} as ${oneLine(args.nick)}…`);
    const ready = conn.start().then(
      async () => {
        connectedOnce = true;
        notice(`connected as ${oneLine(client.user?.nick ?? args.nick)}; /help lists the commands`);
        await session.join(args.room).catch((err: unknown) => term.print(style.error(errorText(err))));
      },
      (err: unknown) => finish(EXIT.failed, errorText(err)),
    );
    queue = ready;
  });
}
