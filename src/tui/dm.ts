/**
 * `/dm <nick> <text>`: finds the user by nickname among the members of the rooms you have joined,
 * opens (or reuses) your direct message with them, and sends the text there. Replies show as
 * events of that room (the DM is followed like a joined room).
 */
import { isDmName, type UserRef } from '../client/index.ts';
import { oneLine } from './sanitize.ts';
import type { ChatSession } from './session.ts';

export const DM_USAGE = 'usage: /dm <nick> <text>';

/** Someone in your joined rooms with this nickname (case-insensitively), not you. */
async function findByNick(session: ChatSession, nick: string): Promise<UserRef | undefined> {
  const me = session.client.user?.id;
  const wanted = nick.toLowerCase();
  for (const room of session.joined) {
    const { members } = await session.client.members(room);
    const hit = members.find((m) => m.user.id !== me && m.user.nick.toLowerCase() === wanted);
    if (hit) return hit.user;
  }
  return undefined;
}

export async function sendDm(session: ChatSession, arg: string): Promise<void> {
  const m = /^(\S+)\s+(.+)$/s.exec(arg);
  if (!m) return session.print(DM_USAGE);
  const [, nick = '', text = ''] = m;
  const user = await findByNick(session, nick);
  if (!user) return session.print(`nobody called ${oneLine(nick)} in your rooms`);
  const room = await session.client.dm([user.id]);
  session.names.learn(room);
  await session.client.join(room.name);
  await session.client.send(room.name, text);
  session.print(`→ @${oneLine(user.nick)}: sent`);
}

/**
 * Someone wrote to you in a DM (your user log says so: the invite that comes with a DM's first
 * message): follow it, show the messages after the invite, and say how to reply.
 */
export function followIncomingDms(session: ChatSession, notice: (text: string) => void): () => void {
  return session.client.on('user', (e) => {
    if (e.kind !== 'member' || e.cause !== 'invite' || !isDmName(e.room)) return;
    const from = e.by ? oneLine(e.by.nick) : 'someone';
    session
      .follow(e.room, e.ref ?? 0, () => notice(`${from} wrote to you in a direct message: /dm ${from} <text> replies`))
      .catch(() => undefined);
  });
}
