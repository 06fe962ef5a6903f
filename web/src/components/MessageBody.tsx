import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { RichText } from './RichText.tsx';

/** Messages someone expanded, by event id: a row scrolled away and back stays expanded. */
const expanded = new Set<string>();

/**
 * A message's formatted text, cut to a few lines when it is long, with "Show more" / "Show less".
 * Whether it is cut is measured (the text's real height at this width), not guessed from its length.
 */
export function MessageBody({ id, text }: { id: string; text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(() => expanded.has(id));
  const [overflows, setOverflows] = useState(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || open) return;
    const measure = (): void => setOverflows(el.scrollHeight > el.clientHeight + 2);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [text, open]);

  const toggle = (): void => {
    if (open) expanded.delete(id);
    else expanded.add(id);
    setOpen(!open);
  };

  return (
    <>
      <div ref={ref} class={open ? 'body' : `body clamped${overflows ? ' overflowing' : ''}`}>
        <RichText text={text} />
      </div>
      {(open || overflows) && (
        <button type="button" class="link show-more" aria-expanded={open} onClick={toggle}>
          {open ? t('log.showLess') : t('log.showMore')}
        </button>
      )}
    </>
  );
}
