/** Room events and connection changes as lines for a person: time, sender, body; short system lines. */
import type { ClientEvents, RoomEvent, RoomInfo, UserRef } from '../client/index.ts';
import { RecentMessages } from './recent.ts';
import { oneLine, textLines } from './sanitize.ts';
import type { Style } from './style.ts';

/** How much of a message an edit, delete or reaction line quotes. */
const QUOTE_CHARS = 30;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local HH:MM. */
export function clock(ts: number): string {
  const d = new Date(ts);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "800 ms", "3 s". */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function quote(body: string): string {
  const text = oneLine(body).trim();
  const chars = Array.from(text);
  return `“${chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : text}”`;
}

const MODERATION_VERBS: Record<string, string> = {
  invite: 'invited',
  kick: 'kicked',
  ban: 'banned',
  unban: 'unbanned',
};

export class EventRenderer {
  readonly #style: Style;
  readonly #recent = new RecentMessages();

  /** How rooms are named (a DM by its people); `#name` without it. */
  readonly #label: (room: string) => string;

  constructor(style: Style, label?: (room: string) => string) {
    this.#style = style;
    this.#label = label ?? ((room) => `#${oneLine(room)}`);
  }

  /** One event as one or more lines (joined with \n). `roomPrefix`: say which room it is in. */
  render(e: RoomEvent, roomPrefix = false): string {
    const s = this.#style;
    const head = `${s.dim(clock(e.ts))} ${roomPrefix ? `${s.room(`[${this.#label(e.room)}]`)} ` : ''}`;
    const who = this.#nick(e.sender);
    switch (e.kind) {
      case 'text':
      case 'image':
      case 'file': {
        const attachment = e.file
          ? `[${e.kind === 'image' ? 'image' : 'file'} ${oneLine(e.file.name)}, ${formatBytes(e.file.size)}] `
          : '';
        this.#recent.remember(e.room, e.seq, { nick: e.sender.nick, body: attachment + e.body });
        const [first = '', ...rest] = textLines(e.body);
        const lead = `${head}<${who}> `;
        // Later lines are indented, so a message cannot pass a line off as someone else's.
        const indent = ' '.repeat(visibleLength(lead));
        return [lead + (attachment ? s.dim(attachment) : '') + first, ...rest.map((line) => indent + line)].join('\n');
      }
      case 'system':
        return `${head}${s.notice(`* ${oneLine(e.body)}`)}`;
      case 'join':
        return `${head}${s.notice(`→ ${oneLine(e.sender.nick)} joined #${oneLine(e.room)}`)}`;
      case 'leave':
        return `${head}${s.notice(`← ${oneLine(e.sender.nick)} left #${oneLine(e.room)}`)}`;
      default:
        return `${head}${s.notice(`* ${this.#change(e)}`)}`;
    }
  }

  /** Edits, deletes, reactions and moderation, in a few words. */
  #change(e: RoomEvent): string {
    const nick = oneLine(e.sender.nick);
    const target = oneLine(e.target?.nick ?? 'someone');
    const known = e.ref === undefined ? undefined : this.#recent.get(e.room, e.ref);
    const which = known ? quote(known.body) : `message ${e.ref ?? '?'}`;
    switch (e.kind) {
      case 'edit':
        if (known && e.ref !== undefined) this.#recent.remember(e.room, e.ref, { nick: known.nick, body: e.body });
        return `${nick} edited ${which}: ${oneLine(e.body)}`;
      case 'delete':
        return `${nick} deleted ${which}`;
      case 'react':
        return `${nick} reacted ${oneLine(e.body)} to ${which}`;
      case 'unreact':
        return `${nick} took back ${oneLine(e.body)} from ${which}`;
      case 'role':
        return `${nick} made ${target} ${oneLine(e.body) === 'moderator' ? 'a moderator' : 'a member'}`;
      case 'rename':
        return `${nick} renamed #${oneLine(e.room)} to ${quote(e.body)}`;
      case 'topic':
        return e.body ? `${nick} set the topic: ${oneLine(e.body)}` : `${nick} cleared the topic`;
      default: {
        const verb = MODERATION_VERBS[e.kind];
        return verb ? `${nick} ${verb} ${target}` : `${nick}: ${oneLine(e.kind)} ${oneLine(e.body)}`;
      }
    }
  }

  #nick(user: UserRef): string {
    return this.#style.nick(user.id, oneLine(user.nick));
  }
}

/** Length without colour codes (what the terminal shows). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Array.from(text.replace(/\u001b\[[0-9;]*m/g, '')).length;
}

/**
 * A connection change as a line; undefined for steps not worth one. `socketError` says more than
 * the close code when the socket never opened (e.g. "connect ECONNREFUSED …", "… response: 503").
 */
export function renderState(
  change: ClientEvents['state'],
  { firstConnect, socketError }: { firstConnect: boolean; socketError?: string | undefined },
): string | undefined {
  switch (change.state) {
    case 'connected':
      return firstConnect ? undefined : 'connected';
    case 'reconnecting': {
      const why = change.reason || socketError || (change.code ? `code ${change.code}` : '');
      const what = firstConnect ? 'could not connect' : 'connection lost';
      return `${what}${why ? ` (${oneLine(why)})` : ''}; reconnecting in ${formatDelay(change.delayMs ?? 0)}…`;
    }
    case 'closed':
      return change.reason ? `disconnected: ${oneLine(change.reason)}` : 'disconnected';
    default:
      return undefined;
  }
}

/** `/rooms`: one line per room; `*` marks joined rooms, `>` the current one. */
export function renderRooms(
  rooms: readonly RoomInfo[],
  joined: ReadonlySet<string>,
  current?: string,
  label: (room: string) => string = (room) => `#${oneLine(room)}`,
): string {
  if (rooms.length === 0) return 'no rooms yet: /create name';
  const width = Math.max(...rooms.map((r) => label(r.name).length)) + 1;
  return rooms
    .map((r) => {
      const mark = r.name === current ? '>' : joined.has(r.name) ? '*' : ' ';
      const privacy = r.visibility === 'private' ? ' (private)' : '';
      // A DM is named by its people; its stored title is their names too.
      const title = r.title && r.title !== r.name && !r.dm ? `  ${oneLine(r.title)}` : '';
      const dm = r.dm ? ' (direct message)' : privacy;
      return `${mark} ${label(r.name).padEnd(width)}${title}${dm}`.trimEnd();
    })
    .join('\n');
}

/** `/who`: who is online in a room; ids in `away` are marked "(away)". */
export function renderOnline(
  room: string,
  online: readonly UserRef[] | undefined,
  away: ReadonlySet<string> = new Set(),
): string {
  if (online === undefined) return `nobody seen online in #${oneLine(room)} yet`;
  const names = [...online]
    .sort((a, b) => a.nick.localeCompare(b.nick))
    // An account's display name first, its unique handle beside it: `Ann Lee (@ann)`.
    .map(
      (u) =>
        (u.name ? `${oneLine(u.name)} (@${oneLine(u.nick)})` : oneLine(u.nick)) + (away.has(u.id) ? ' (away)' : ''),
    );
  return `online in #${oneLine(room)} (${names.length}): ${names.join(', ')}`;
}
