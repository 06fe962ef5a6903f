/** After a jump: scroll the message into view and highlight it briefly. */
import { useEffect } from 'preact/hooks';

export interface MessageFocus {
  readonly room: string;
  readonly seq: number;
  /** Differs per jump, so jumping to the same message twice highlights it again. */
  readonly token: number;
}

const FLASH_MS = 2_500;

export function useMessageFocus(focus: MessageFocus | undefined): void {
  useEffect(() => {
    if (!focus) return;
    const list = document.querySelector<HTMLElement>(`.messages[data-room="${CSS.escape(focus.room)}"]`);
    const el = list?.querySelector<HTMLElement>(`[data-seq="${focus.seq}"]`);
    if (!list || !el) return;
    el.scrollIntoView({ block: 'center' });
    // Let the list see it is no longer at the bottom before anything re-renders it.
    list.dispatchEvent(new Event('scroll'));
    el.dataset['flash'] = 'true';
    const timer = setTimeout(() => delete el.dataset['flash'], FLASH_MS);
    return () => {
      clearTimeout(timer);
      delete el.dataset['flash'];
    };
  }, [focus]);
}
