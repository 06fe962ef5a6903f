/**
 * Which emoji this browser can draw: the emoji data runs ahead of the fonts systems ship, and an
 * emoji newer than the font shows as a blank or a box. Each Emoji version is tested once with one
 * of its emoji drawn on a canvas: a colour glyph has coloured pixels, a missing one has none.
 */

/** Versions (emojibase's `versions/emoji.json`) to hexcodes. */
export type EmojiVersions = Readonly<Record<string, readonly string[]>>;

const fromHex = (hex: string): string =>
  hex
    .split('-')
    .map((h) => String.fromCodePoint(parseInt(h, 16)))
    .join('');

function drawsInColour(ctx: CanvasRenderingContext2D, emoji: string): boolean {
  ctx.clearRect(0, 0, 32, 32);
  ctx.fillText(emoji, 0, 0);
  const px = ctx.getImageData(0, 0, 32, 32).data;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3]! > 0 && (px[i] !== px[i + 1] || px[i + 1] !== px[i + 2])) return true;
  }
  return false;
}

/**
 * Hexcodes of emoji too new for this browser's fonts (empty where nothing can be measured, as in
 * tests without a canvas). The newest version with a drawable emoji sets the cut.
 */
export function unsupportedEmoji(versions: EmojiVersions): ReadonlySet<string> {
  const canBuild = typeof document !== 'undefined' && typeof document.createElement === 'function';
  const canvas = canBuild ? document.createElement('canvas') : undefined;
  const ctx = canvas?.getContext('2d', { willReadFrequently: true });
  if (!canvas || !ctx) return new Set();
  canvas.width = canvas.height = 32;
  ctx.textBaseline = 'top';
  ctx.font = `24px 'Parley Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', sans-serif`;
  const ordered = Object.keys(versions)
    .map(Number)
    .filter((v) => v >= 11)
    .sort((a, b) => b - a);
  const out = new Set<string>();
  for (const v of ordered) {
    const codes = versions[String(v)] ?? [];
    // A few samples, single code points first: one black or ambiguous glyph must not decide.
    const samples = codes.filter((h) => !h.includes('-')).slice(0, 3);
    if (samples.some((h) => drawsInColour(ctx, fromHex(h)))) break;
    for (const h of codes) out.add(h);
  }
  return out;
}
