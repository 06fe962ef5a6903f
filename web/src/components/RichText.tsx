import type { ComponentChildren } from 'preact';
import { parseMarkdown, type Block, type Inline } from '../markdown.ts';
import { MentionText } from './MentionText.tsx';

/**
 * A message's text with its Markdown (markdown.ts) as Preact elements: bold, italic, strike,
 * code, code blocks, quotes, lists and links. Text runs go through MentionText (bare links and
 * @mentions). Nothing from the message becomes markup: every string is a text node.
 */
export function RichText({ text }: { text: string }) {
  const blocks = parseMarkdown(text);
  // One paragraph (most messages): its text straight in the body, as plain text always was.
  if (blocks.length === 1 && blocks[0]!.t === 'p') return <>{inlineNodes(blocks[0]!.children)}</>;
  return <>{blockNodes(blocks)}</>;
}

function blockNodes(blocks: readonly Block[]): ComponentChildren[] {
  return blocks.map((b, i) => {
    switch (b.t) {
      case 'p':
        return (
          <p key={i} class="md-p">
            {inlineNodes(b.children)}
          </p>
        );
      case 'heading':
        return (
          <p key={i} class="md-p md-heading">
            <strong>{inlineNodes(b.children)}</strong>
          </p>
        );
      case 'pre':
        return (
          <pre key={i} class="md-pre" data-lang={b.lang || undefined}>
            <code>{b.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={i} class="md-quote">
            {blockNodes(b.children)}
          </blockquote>
        );
      case 'list': {
        const items = b.items.map((item, j) => <li key={j}>{tightItem(item)}</li>);
        return b.ordered ? (
          <ol key={i} class="md-list" start={b.start === 1 ? undefined : b.start}>
            {items}
          </ol>
        ) : (
          <ul key={i} class="md-list">
            {items}
          </ul>
        );
      }
      case 'hr':
        return <hr key={i} class="md-hr" />;
    }
  });
}

/** A list item of one paragraph shows its text without a paragraph's margins. */
function tightItem(blocks: readonly Block[]): ComponentChildren {
  return blocks.length === 1 && blocks[0]!.t === 'p' ? inlineNodes(blocks[0]!.children) : blockNodes(blocks);
}

function inlineNodes(nodes: readonly Inline[]): ComponentChildren[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return <MentionText key={i} text={n.text} />;
      case 'strong':
        return <strong key={i}>{inlineNodes(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlineNodes(n.children)}</em>;
      case 'del':
        return <del key={i}>{inlineNodes(n.children)}</del>;
      case 'code':
        return (
          <code key={i} class="md-code">
            {n.text}
          </code>
        );
      case 'br':
        return <br key={i} />;
      case 'link':
        return (
          <a key={i} class="link" href={n.href} title={n.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {plainNodes(n.children)}
          </a>
        );
    }
  });
}

/** A link's label: formatting kept, but no link or mention inside a link. */
function plainNodes(nodes: readonly Inline[]): ComponentChildren[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.text;
      case 'code':
        return (
          <code key={i} class="md-code">
            {n.text}
          </code>
        );
      case 'br':
        return <br key={i} />;
      case 'link':
        return plainNodes(n.children);
      default: {
        const Tag = n.t;
        return <Tag key={i}>{plainNodes(n.children)}</Tag>;
      }
    }
  });
}
