/** After a jump: scroll the message into view and highlight it briefly. */
import { useEffect } from 'preact/hooks';

export interface MessageFocus {
  readonly room: string;
  readonly seq: number;
  /** Differs per jump, so jumping to the same message twice highlights it again. */
  readonly token: number;
}

/**
 * Sent to a room's `.messages` list: it scrolls the message into the middle of the view (rendering
 * it first: the list is virtualized) and then calls `done` with the message's row.
 */
export const REVEAL_EVENT = 'parley-reveal';

export interface RevealDetail {
  readonly seq: number;
  readonly done?: (row: HTMLElement) => void;
}

const FLASH_MS = 2_500;

export function useMessageFocus(focus: MessageFocus | undefined): void {
  useEffect(() => {
    if (!focus) return;
    const list = document.querySelector<HTMLElement>(`.messages[data-room="${CSS.escape(focus.room)}"]`);
    if (!list) return;
    let flashed: HTMLElement | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (row: HTMLElement): void => {
      flashed = row.querySelector<HTMLElement>(`[data-seq="${focus.seq}"]`) ?? undefined;
      if (!flashed) return;
      flashed.dataset['flash'] = 'true';
      const el = flashed;
      timer = setTimeout(() => delete el.dataset['flash'], FLASH_MS);
    };
    list.dispatchEvent(new CustomEvent<RevealDetail>(REVEAL_EVENT, { detail: { seq: focus.seq, done } }));
    return () => {
      clearTimeout(timer);
      if (flashed) delete flashed.dataset['flash'];
    };
  }, [focus]);
}
