/** Room settings carried by events (docs/protocol.md, _Room settings_): `rename` sets the title, `topic` the topic. */
import type { AppendInput } from '../../store/room-log.ts';
import type { Effect } from './plan.ts';
import type { RoomState } from './state.ts';

/** The change, or undefined when the room already has that value (nothing is appended: `unchanged`). */
export function settingEffects(input: AppendInput, room: RoomState): Effect[] | undefined {
  if (input.kind === 'rename')
    return room.title === input.body ? undefined : [{ kind: 'set_title', title: input.body }];
  return room.topic === input.body ? undefined : [{ kind: 'set_topic', topic: input.body }];
}
