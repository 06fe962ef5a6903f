/** Terminal colours: only on a TTY and only when NO_COLOR is unset (https://no-color.org). */

export interface Style {
  /** A nickname, in a colour that stays the same for the user id. */
  nick(id: string, text: string): string;
  dim(text: string): string;
  notice(text: string): string;
  error(text: string): string;
  room(text: string): string;
}

/** True when colours may be written to this stream. */
export function colorsWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

const sgr = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** Foreground colours readable on dark and light backgrounds. */
const NICK_COLORS = ['31', '32', '33', '34', '35', '36', '91', '92', '94', '95', '96'];

function colorIndex(id: string): number {
  let h = 2166136261; // FNV-1a: cheap and spreads ids that differ by one character
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % NICK_COLORS.length;
}

const plain = (text: string) => text;

export function createStyle(enabled: boolean): Style {
  if (!enabled) return { nick: (_id, text) => text, dim: plain, notice: plain, error: plain, room: plain };
  return {
    nick: (id, text) => sgr(`1;${NICK_COLORS[colorIndex(id)]}`)(text),
    dim: sgr('2'),
    notice: sgr('36'),
    error: sgr('31'),
    room: sgr('1'),
  };
}
