/**
 * Message text as Markdown blocks, the way chat users type it (CommonMark + GFM through marked's
 * lexer). Pure: the result is plain data that RichText.tsx turns into Preact nodes; no HTML string
 * is ever built, and raw HTML in a message stays text. Bare URLs are left in the text, so links
 * and @mentions inside it keep their own handling (link-spans.ts, MentionText.tsx).
 */
import { Lexer, type Token, type Tokens } from 'marked';

export type Inline =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'strong' | 'em' | 'del'; readonly children: readonly Inline[] }
  | { readonly t: 'code'; readonly text: string }
  | { readonly t: 'br' }
  /** A Markdown link or image whose target is http(s) or mailto; an image is never loaded. */
  | { readonly t: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly t: 'p'; readonly children: readonly Inline[] }
  | { readonly t: 'heading'; readonly children: readonly Inline[] }
  | { readonly t: 'pre'; readonly text: string; readonly lang: string }
  | { readonly t: 'quote'; readonly children: readonly Block[] }
  | {
      readonly t: 'list';
      readonly ordered: boolean;
      readonly start: number;
      readonly items: readonly (readonly Block[])[];
    }
  | { readonly t: 'hr' };

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** `href` as an absolute http(s)/mailto URL, or undefined (javascript:, data:, relative…). */
export function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Characters without which a text holds no Markdown at all: such text skips the lexer. */
const MARKUP = /[*_`~>#|\\[\]!<]|^\s*(?:[-+]|\d+[.)])\s|^\s*(?:-{3,}|={3,})\s*$|^ {4}/m;

const CACHE_MAX = 2000;
const cache = new Map<string, readonly Block[]>();

/** The blocks of `text`; plain text is one paragraph of one text run. Cached per text. */
export function parseMarkdown(text: string): readonly Block[] {
  if (!MARKUP.test(text)) return [{ t: 'p', children: [{ t: 'text', text }] }];
  const hit = cache.get(text);
  if (hit) return hit;
  let blocks: Block[];
  try {
    blocks = toBlocks(new Lexer({ gfm: true, breaks: false }).lex(text));
  } catch {
    blocks = [{ t: 'p', children: [{ t: 'text', text }] }];
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(text, blocks);
  return blocks;
}

function toBlocks(tokens: readonly Token[]): Block[] {
  const out: Block[] = [];
  for (const tok of tokens) {
    switch (tok.type) {
      case 'space':
        break;
      case 'paragraph':
        out.push({ t: 'p', children: inlines(tok.tokens ?? []) });
        break;
      case 'text': {
        // A list item's text, itself holding inline tokens.
        const inner = (tok as Tokens.Text).tokens;
        out.push({ t: 'p', children: inner ? inlines(inner) : [{ t: 'text', text: tok.raw }] });
        break;
      }
      case 'heading':
        out.push({ t: 'heading', children: inlines(tok.tokens ?? []) });
        break;
      case 'code':
        out.push({ t: 'pre', text: (tok as Tokens.Code).text, lang: (tok as Tokens.Code).lang ?? '' });
        break;
      case 'blockquote':
        out.push({ t: 'quote', children: toBlocks((tok as Tokens.Blockquote).tokens) });
        break;
      case 'list': {
        const list = tok as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        const items = list.items.map((item) => {
          const blocks = toBlocks(item.tokens);
          if (!item.task) return blocks;
          const box: Inline = { t: 'text', text: item.checked ? '☑ ' : '☐ ' };
          const first = blocks[0];
          return first?.t === 'p'
            ? [{ t: 'p' as const, children: [box, ...first.children] }, ...blocks.slice(1)]
            : [{ t: 'p' as const, children: [box] }, ...blocks];
        });
        out.push({ t: 'list', ordered: list.ordered, start, items });
        break;
      }
      case 'hr':
        out.push({ t: 'hr' });
        break;
      default:
        // Tables, raw HTML and anything newer: the text exactly as typed.
        out.push({ t: 'p', children: [{ t: 'text', text: tok.raw.replace(/\n+$/, '') }] });
    }
  }
  return out;
}

function inlines(tokens: readonly Token[]): Inline[] {
  const out: Inline[] = [];
  const text = (s: string): void => {
    const last = out[out.length - 1];
    if (last?.t === 'text') out[out.length - 1] = { t: 'text', text: last.text + s };
    else if (s) out.push({ t: 'text', text: s });
  };
  for (const tok of tokens) {
    switch (tok.type) {
      case 'text':
        if ((tok as Tokens.Text).tokens) out.push(...inlines((tok as Tokens.Text).tokens!));
        else text(tok.raw);
        break;
      case 'escape':
        text((tok as Tokens.Escape).text);
        break;
      case 'strong':
      case 'em':
      case 'del':
        out.push({ t: tok.type, children: inlines(tok.tokens ?? []) });
        break;
      case 'codespan':
        out.push({ t: 'code', text: (tok as Tokens.Codespan).text });
        break;
      case 'br':
        out.push({ t: 'br' });
        break;
      case 'link':
      case 'image': {
        const link = tok as Tokens.Link | Tokens.Image;
        // A bare URL stays text: link-spans.ts finds it, as in any other message.
        const href = 'autolink' in link && link.autolink === true ? undefined : safeHref(link.href);
        if (href === undefined) {
          text(tok.raw);
          break;
        }
        const label =
          tok.type === 'image' ? [{ t: 'text' as const, text: link.text || href }] : inlines(tok.tokens ?? []);
        out.push({ t: 'link', href, children: label.length > 0 ? label : [{ t: 'text', text: href }] });
        break;
      }
      default:
        // Raw HTML tags and the like: shown as typed.
        text(tok.raw);
    }
  }
  return out;
}

/** The words of `text` without its markup, for one-line excerpts and notifications. */
export function plainMarkdown(text: string): string {
  return plainBlocks(parseMarkdown(text));
}

function plainBlocks(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      switch (b.t) {
        case 'p':
        case 'heading':
          return plainInline(b.children);
        case 'pre':
          return b.text;
        case 'quote':
          return plainBlocks(b.children);
        case 'list':
          return b.items.map(plainBlocks).join('\n');
        case 'hr':
          return '';
      }
    })
    .join('\n');
}

function plainInline(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => (n.t === 'text' || n.t === 'code' ? n.text : n.t === 'br' ? '\n' : plainInline(n.children)))
    .join('');
}
