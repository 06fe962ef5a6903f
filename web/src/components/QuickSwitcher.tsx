/**
 * Ctrl/Cmd+K: jump to one of your rooms or DMs, or to a person (their DM, opened if new). Typing
 * filters (fuzzy.ts); ↑/↓ choose, Enter opens, Escape or a click outside closes.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { dmPeers, type UserRef } from '../../../src/client/index.ts';
import type { ChatState } from '../chat-store.ts';
import { dmLabel, isDmName } from '../dm.ts';
import { fuzzyFilter } from '../fuzzy.ts';
import { t } from '../i18n/index.ts';
import { myRooms } from '../store/room-list.ts';
import { sharedRooms, usePeople, type LoadMembers } from '../use-people.ts';
import { Avatar } from './Avatar.tsx';

interface Props {
  readonly open: boolean;
  readonly state: ChatState;
  readonly loadMembers: LoadMembers;
  readonly onClose: () => void;
  readonly onOpenRoom: (room: string) => void;
  readonly onOpenDm: (user: UserRef) => void;
}

interface Choice {
  readonly key: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly user?: UserRef | undefined;
  readonly go: () => void;
}

/** The choices in sidebar order: rooms, DMs, then people you have no DM with yet. */
function choices(props: Props, people: readonly UserRef[]): Choice[] {
  const { state } = props;
  const info = new Map(state.rooms.map((r) => [r.name, r]));
  const out: Choice[] = [];
  const withDm = new Set<string>();
  for (const name of myRooms(state)) {
    const r = info.get(name) ?? state.views[name]?.info;
    if (isDmName(name) || r?.dm) {
      if (!r) continue;
      const peers = dmPeers(r, state.user?.id);
      if (peers.length === 1 && peers[0]) withDm.add(peers[0].id);
      out.push({ key: name, label: `@${dmLabel(r, state.user)}`, user: peers[0], go: () => props.onOpenRoom(name) });
    } else {
      const title = r?.title && r.title !== name ? r.title : undefined;
      out.push({ key: name, label: `#${name}`, hint: title, go: () => props.onOpenRoom(name) });
    }
  }
  for (const p of people) {
    if (withDm.has(p.id)) continue;
    out.push({
      key: `user:${p.id}`,
      label: p.name ? `${p.name} @${p.nick}` : `@${p.nick}`,
      hint: t('layout.switcherPerson'),
      user: p,
      go: () => props.onOpenDm(p),
    });
  }
  return out;
}

export function QuickSwitcher(props: Props) {
  const { open, state, onClose } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const people = usePeople(open, sharedRooms(state), state.user?.id, props.loadMembers) ?? [];
  // After every render, not only when `open` changes, and before paint: Escape closes the dialog
  // natively and its close event comes a task later, which a Ctrl+K can overtake (input jumps the
  // queue). The opener re-renders on every Ctrl+K, so a dialog closed natively opens again here.
  useLayoutEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setQuery('');
      setActive(0);
      d.showModal();
    }
    if (!open && d.open) d.close();
  });

  const shown = fuzzyFilter(choices(props, people), query, (c) => c.label).slice(0, 30);
  const at = Math.min(active, Math.max(shown.length - 1, 0));
  const pick = (c: Choice | undefined) => {
    if (!c) return;
    // Closed now, not in the effect after the next paint: the room opens with no modal over it.
    dialog.current?.close();
    onClose();
    c.go();
  };
  return (
    <dialog
      ref={dialog}
      class="switcher"
      aria-label={t('layout.switcher')}
      // Escape: closed now, not when the close event arrives; that event is stale if reopened.
      onCancel={onClose}
      onClose={() => !dialog.current?.open && onClose()}
      onClick={(e) => e.target === dialog.current && onClose()}
    >
      {open && (
        <>
          <input
            name="switcher"
            type="text"
            role="combobox"
            aria-expanded="true"
            aria-controls="switcher-list"
            aria-activedescendant={shown[at] ? `switcher-${at}` : undefined}
            aria-label={t('layout.switcher')}
            placeholder={t('layout.switcherPlaceholder')}
            autoComplete="off"
            spellcheck={false}
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (e.isComposing) return;
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : -1;
                setActive((at + step + shown.length) % Math.max(shown.length, 1));
              } else if (e.key === 'Enter') {
                e.preventDefault();
                pick(shown[at]);
              }
            }}
          />
          <ul id="switcher-list" class="switcher-list" role="listbox" aria-label={t('layout.switcher')}>
            {shown.map((c, i) => (
              <li
                key={c.key}
                id={`switcher-${i}`}
                class="switcher-item"
                role="option"
                aria-selected={i === at}
                data-key={c.key}
                title={c.label}
                onMouseMove={() => i !== at && setActive(i)}
                onClick={() => pick(c)}
              >
                {c.user ? <Avatar user={c.user} small /> : <span class="switcher-hash" aria-hidden="true" />}
                <span class="switcher-label">{c.label}</span>
                {c.hint && <span class="switcher-hint">{c.hint}</span>}
              </li>
            ))}
            {shown.length === 0 && <li class="muted switcher-none">{t('layout.switcherNone')}</li>}
          </ul>
          <p class="switcher-help hint">{t('layout.switcherHelp')}</p>
        </>
      )}
    </dialog>
  );
}
