/** Room names of direct messages: derived, so a 1:1 DM between the same two people is always one room. */
import { createHash } from 'node:crypto';
import { DM_PREFIX, GROUP_DM_PREFIX } from '../../protocol/index.ts';

const digest = (parts: readonly string[], chars: number): string =>
  createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, chars);

/** The one room of these two users, whoever opens it: dm- and 24 hex digits (27 characters). */
export const directName = (a: string, b: string): string => `${DM_PREFIX}${digest([a, b].sort(), 24)}`;

/** A group DM: new per open, but a resend of the same `dm` frame (same opener and id) finds the same room. */
export const groupName = (openerId: string, frameId: string): string =>
  `${GROUP_DM_PREFIX}${digest([openerId, frameId], 24)}`;
