/**
 * Text from other users, made safe to print on a terminal: a message must not be able to move
 * the cursor, clear the screen, set the window title or hide text (the server strips control
 * characters too, but the terminal is ours to protect whatever the server sends).
 */

/**
 * Escape sequences, removed whole: CSI (`ESC [` … final byte), the string controls OSC, DCS,
 * SOS, PM and APC (up to BEL or ST, or the end when unterminated), other `ESC x` escapes, and
 * their 8-bit C1 forms.
 */
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]|[\u0090\u0098\u009d\u009e\u009f][\s\S]*?(?:\u0007|\u009c|$)/g;

/** Control characters except tab and newline, and bidi overrides that reorder what follows. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes escape sequences and control characters; keeps tabs and newlines. */
export function stripTerminalCodes(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARS, '');
}

/** For names, emoji, titles: one line, nothing a terminal would interpret. */
export function oneLine(text: string): string {
  return stripTerminalCodes(text).replace(/[\t\n]+/g, ' ');
}

/** For message bodies: the lines to print (tabs become spaces; a caller indents lines after the first). */
export function textLines(text: string): string[] {
  return stripTerminalCodes(text).replace(/\t/g, '  ').split('\n');
}
