/**
 * The room header's text: `#name` and title for a room, the other people's names for a DM; the
 * topic; an edit form for those allowed to change title and topic; and "Leave" (confirmed).
 */
import { useState } from 'preact/hooks';
import type { RoomInfo, UserRef } from '../../../src/client/index.ts';
import { dmLabel, isDmName } from '../dm.ts';
import { t } from '../i18n/index.ts';
import { BlockButton } from './BlockControls.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { LockIcon } from './LockIcon.tsx';
import { RoomSettingsForm } from './RoomSettingsForm.tsx';
import { TopicText } from './TopicText.tsx';
import { shownName } from '../people-book.ts';
import { useFreshPeople } from '../use-people-book.ts';

interface Props {
  readonly room: string;
  readonly info: RoomInfo | undefined;
  readonly me: UserRef | undefined;
  /** Owner or moderator, or a member of a DM. */
  readonly canEdit: boolean;
  /** A DM between two people: named by the other person, so it has a topic but no title to edit. */
  readonly oneToOne?: boolean;
  readonly onSave: (title: string | undefined, topic: string | undefined) => Promise<void>;
  /** Absent where leaving is not offered (general, where the app always brings you back). */
  readonly onLeave?: (() => Promise<void>) | undefined;
}

export function RoomHeading({ room, info, me, canEdit, oneToOne = false, onSave, onLeave }: Props) {
  const [editing, setEditing] = useState(false);
  const dm = info?.dm !== undefined || isDmName(room);
  const fresh = useFreshPeople();
  const names = dm ? dmLabel(info ?? { name: room }, me, (u) => shownName(fresh(u))) : '';
  // A DM's stored title is its people's names when opened: show it only once someone renamed it.
  const sorted = (nicks: readonly string[]) => [...nicks].sort().join(', ');
  const original = info?.dm !== undefined && sorted(info.title.split(', ')) === sorted(info.dm.map((u) => u.nick));
  const title = info?.title && info.title !== room && !original ? info.title : '';
  const full = dm ? t('rooms.dmWith', { names }) : `#${room}`;
  // A 1:1 DM's header offers to block the other person (BlockControls.tsx).
  const other = oneToOne ? info?.dm?.find((u) => u.id !== me?.id) : undefined;
  return (
    <div class="room-heading" data-dm={dm ? 'true' : undefined}>
      <h1 class="room-name" title={full}>
        <span class="hash" aria-hidden="true">
          {dm ? '@' : '#'}
        </span>
        {dm ? names : room}
        {info?.visibility === 'private' && !dm && <LockIcon />}
      </h1>
      {/* One line at phone width: title · topic · actions (layout.css). */}
      <div class="room-sub">
        {title && title !== room && (
          <p class="room-title" title={title}>
            {title}
          </p>
        )}
        {info?.topic && (
          <p class="room-topic" title={info.topic}>
            <TopicText text={info.topic} />
          </p>
        )}
        {!editing && (canEdit || onLeave) && (
          <span class="room-actions">
            {canEdit && (
              <button
                type="button"
                class="link room-edit"
                aria-label={oneToOne ? t('directory.editTopicLabel') : t('rooms.editLabel')}
                onClick={() => setEditing(true)}
              >
                {oneToOne ? t('directory.editTopic') : t('rooms.edit')}
              </button>
            )}
            {onLeave && (
              <ConfirmButton
                class="room-leave"
                label={t('rooms.leave')}
                ariaLabel={t('rooms.leaveLabel')}
                question={dm ? t('rooms.leaveDmAsk') : t('rooms.leaveAsk', { room })}
                onConfirm={onLeave}
              />
            )}
            {other && <BlockButton user={other} />}
          </span>
        )}
      </div>
      {editing && (
        <RoomSettingsForm
          withTitle={!oneToOne}
          title={info?.title ?? ''}
          topic={info?.topic ?? ''}
          onSave={onSave}
          onDone={() => setEditing(false)}
        />
      )}
    </div>
  );
}
