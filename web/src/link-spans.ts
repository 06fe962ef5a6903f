/** Where the links are in a message's text. Pure: the page renders them as <a> elements, never as HTML. */
import { find } from 'linkifyjs';

export interface LinkSpan {
  readonly start: number;
  readonly end: number;
  /** Absolute http(s) or mailto URL; anything else (javascript:, data:, ftp:…) is never a link. */
  readonly href: string;
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** Links in `text`, in order, only with safe schemes. */
export function linkSpans(text: string): LinkSpan[] {
  // Cheap pre-check: most messages hold no link.
  if (!/[.:@]/.test(text)) return [];
  const out: LinkSpan[] = [];
  for (const m of find(text)) {
    if (!m.isLink) continue;
    let url: URL;
    try {
      url = new URL(m.href);
    } catch {
      continue;
    }
    if (!SAFE_SCHEMES.has(url.protocol)) continue;
    out.push({ start: m.start, end: m.end, href: url.href });
  }
  return out;
}
