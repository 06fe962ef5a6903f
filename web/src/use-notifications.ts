import { useEffect, useRef } from 'preact/hooks';
import type { ChatState, ChatStore } from './chat-store.ts';
import {
  countNotifications,
  isDirectRoom,
  notificationFor,
  notificationsSupported,
  notifyEnabled,
  type NotificationText,
} from './notifications.ts';

/**
 * Shows a browser notification for a mention of you or a direct message while the tab is
 * hidden (when the user turned them on and the browser allows). A click focuses the tab and
 * opens the room. Nothing from people you block.
 */
export function useNotifications(store: ChatStore, state: ChatState): void {
  // The handlers read the newest state without resubscribing on every change.
  const latest = useRef(state);
  latest.current = state;
  const shown = useRef(new Set<string>());

  const show = (text: NotificationText): void => {
    if (!notificationsSupported() || !notifyEnabled() || Notification.permission !== 'granted') return;
    if (shown.current.has(text.tag)) return;
    shown.current.add(text.tag);
    const n = new Notification(text.title, { body: text.body, tag: text.tag });
    n.onclick = () => {
      window.focus();
      store.openRoom(text.room);
      n.close();
    };
  };
  const direct = (room: string): boolean => {
    const s = latest.current;
    return isDirectRoom(room, s.views[room]?.info ?? s.rooms.find((r) => r.name === room));
  };

  // Rooms followed live: each new message, with its text.
  useEffect(
    () =>
      store.onRoomEvent((e) => {
        // Someone you block never notifies you, mention or not.
        if (store.blocks.has(e.sender.id)) return;
        const text = notificationFor(e, {
          me: latest.current.user,
          hidden: document.visibilityState === 'hidden',
          direct: direct(e.room),
          now: Date.now(),
        });
        if (text) show(text);
      }),
    [store],
  );

  // Other rooms: rising counts.
  const prevUnread = useRef(state.unread);
  useEffect(() => {
    const prev = prevUnread.current;
    prevUnread.current = state.unread;
    const texts = countNotifications(prev, state.unread, {
      hidden: document.visibilityState === 'hidden',
      live: (room) => latest.current.views[room]?.status === 'joined',
      direct,
    });
    for (const text of texts) show(text);
  }, [state.unread]);
}
