/**
 * Idempotent writes (docs/reliability.md, guarantee 3): (room, sender, cid) names one write
 * forever. A resend is the same write when everything that makes it that write is equal.
 */
import type { RoomEvent } from '../../../protocol/index.ts';
import type { AppendInput } from '../../store/room-log.ts';

/** True when `input` resends `prior` (→ duplicate); false when it reuses its cid for another write (→ conflict). */
export function sameWrite(prior: RoomEvent, input: AppendInput): boolean {
  return (
    prior.kind === input.kind &&
    prior.body === input.body &&
    prior.ref === input.ref &&
    prior.target?.id === input.target?.id &&
    prior.reply === input.reply &&
    prior.file?.id === input.file?.id
  );
}
