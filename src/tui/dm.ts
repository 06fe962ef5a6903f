/**
 * `/dm <who> <text>`: finds the person among the members of the rooms you have joined — `@name`
 * an account (a handle, unique), `name` anyone of that name, `id:<user id>` exactly that user —
 * opens (or reuses) your direct message with them by user id, and sends the text there. When a
 * name is shared (a guest and an account), nothing is sent: the candidates are listed. Replies
 * show as events of that room (the DM is followed like a joined room).
 */
import { isDmName, type UserRef } from '../client/index.ts';
import { oneLine } from './sanitize.ts';
import type { ChatSession } from './session.ts';

export const DM_USAGE = 'usage: /dm <@handle | nick | id:user-id> <text>';

/** A person as the terminal names them: `@handle` for an account, `nick (guest)` for a guest. */
export const personLabel = (u: UserRef): string => (u.guest ? `${oneLine(u.nick)} (guest)` : `@${oneLine(u.nick)}`);

/** Everyone in your joined rooms `who` names (see above), you left out; one entry per user id. */
async function findPeople(session: ChatSession, who: string): Promise<UserRef[]> {
  const me = session.client.user?.id;
  const byId = who.startsWith('id:') ? who.slice(3) : undefined;
  const handle = who.startsWith('@');
  const wanted = (handle ? who.slice(1) : who).toLowerCase();
  const found = new Map<string, UserRef>();
  for (const room of session.joined) {
    const { members } = await session.client.members(room);
    for (const { user } of members) {
      if (user.id === me) continue;
      const hit = byId !== undefined ? user.id === byId : user.nick.toLowerCase() === wanted && !(handle && user.guest);
      if (hit) found.set(user.id, user);
    }
  }
  return [...found.values()];
}

export async function sendDm(session: ChatSession, arg: string): Promise<void> {
  const m = /^(\S+)\s+(.+)$/s.exec(arg);
  if (!m) return session.print(DM_USAGE);
  const [, who = '', text = ''] = m;
  const people = await findPeople(session, who);
  const [user] = people;
  if (!user) return session.print(`nobody called ${oneLine(who)} in your rooms`);
  if (people.length > 1) {
    const choices = people.map((u) => `${personLabel(u)} — /dm ${u.guest ? `id:${u.id}` : `@${oneLine(u.nick)}`}`);
    return session.print(
      `${people.length} people are called ${oneLine(who)}; nothing sent. Pick one:\n  ${choices.join('\n  ')}`,
    );
  }
  const room = await session.client.dm([user.id]);
  session.names.learn(room);
  await session.client.join(room.name);
  await session.client.send(room.name, text);
  session.print(`→ ${personLabel(user)}: sent`);
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
