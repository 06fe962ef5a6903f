/** The slash commands of the interactive client: parsing, the table, and `/help`. */
import type { RoomInfo } from '../client/index.ts';
import { sendDm } from './dm.ts';
import { renderRooms } from './render.ts';
import type { ChatSession } from './session.ts';

export interface CommandContext {
  readonly session: ChatSession;
  quit(): void;
}

export interface Command {
  readonly name: string;
  /** Arguments as shown in help, e.g. "<room>". */
  readonly args: string;
  readonly summary: string;
  run(ctx: CommandContext, arg: string): void | Promise<void>;
}

const HISTORY_DEFAULT = 20;
/** The server's largest history page (limits.historyMax). */
const HISTORY_MAX = 200;

export const COMMANDS: readonly Command[] = [
  {
    name: 'join',
    args: '<room>',
    summary: 'join a room (or switch to one already joined); lines you type go there',
    run: ({ session }, arg) => (arg ? session.join(arg) : session.print('usage: /join <room>')),
  },
  { name: 'leave', args: '', summary: 'leave the current room', run: ({ session }) => session.leave() },
  {
    name: 'rooms',
    args: '',
    summary: 'list the rooms you can join (* joined, > current)',
    run: async ({ session }) =>
      session.print(
        renderRooms(await roomsNamed(session), session.joined, session.current, (r) => session.names.label(r)),
      ),
  },
  {
    name: 'create',
    args: '<room> [title]',
    summary: 'create a public room and join it',
    run: async ({ session }, arg) => {
      const [name, ...title] = arg.split(/\s+/).filter(Boolean);
      if (name === undefined) return session.print('usage: /create <room> [title]');
      await session.client.createRoom(name, title.length ? title.join(' ') : undefined);
      await session.join(name);
    },
  },
  {
    name: 'history',
    args: '[n]',
    summary: `show the last n events of the current room (default ${HISTORY_DEFAULT}, at most ${HISTORY_MAX})`,
    run: ({ session }, arg) => {
      const n = arg ? Number(arg) : HISTORY_DEFAULT;
      if (!Number.isInteger(n) || n < 1) return session.print(`usage: /history [n], n from 1 to ${HISTORY_MAX}`);
      return session.history(Math.min(n, HISTORY_MAX));
    },
  },
  {
    name: 'who',
    args: '',
    summary: 'who is online in the current room (away marked)',
    run: ({ session }) => session.who(),
  },
  {
    name: 'dm',
    args: '<nick> <text>',
    summary: 'send a direct message to someone in your rooms',
    run: ({ session }, arg) => sendDm(session, arg),
  },
  {
    name: 'nick',
    args: '',
    summary: 'not supported: a nickname is fixed per connection (restart with --nick)',
    run: ({ session }) => session.print('the protocol has no nickname change: quit and start again with --nick'),
  },
  { name: 'help', args: '', summary: 'this list', run: ({ session }) => session.print(commandHelp()) },
  { name: 'quit', args: '', summary: 'leave the chat (also Ctrl+D)', run: (ctx) => ctx.quit() },
];

/** A typed line that is a command: "/name rest". "//text" is text starting with "/". */
export function parseCommand(line: string): { name: string; arg: string } | undefined {
  const m = /^\/(\w+)\s*(.*)$/s.exec(line.trim());
  if (!m || line.trimStart().startsWith('//')) return undefined;
  return { name: (m[1] ?? '').toLowerCase(), arg: (m[2] ?? '').trim() };
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function commandHelp(): string {
  const rows = COMMANDS.map((c) => [`/${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary] as const);
  const width = Math.max(...rows.map(([usage]) => usage.length)) + 2;
  const lines = rows.map(([usage, summary]) => `  ${usage.padEnd(width)}${summary}`);
  return [
    'Commands:',
    ...lines,
    '  Any other line is sent to the current room; start it with // to send a leading /.',
  ].join('\n');
}

/** Tab completion of command names. */
export function completeCommand(line: string): [string[], string] {
  if (!/^\/\w*$/.test(line)) return [[], line];
  const hits = COMMANDS.map((c) => `/${c.name}`).filter((c) => c.startsWith(line));
  return [hits.length ? hits : [], line];
}

/** The room list, each DM's people learned so it is named by them. */
async function roomsNamed(session: ChatSession): Promise<RoomInfo[]> {
  const rooms = await session.client.rooms();
  for (const r of rooms) session.names.learn(r);
  return rooms;
}
