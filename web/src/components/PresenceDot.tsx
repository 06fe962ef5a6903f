import { t } from '../i18n/index.ts';
import { usePresence } from '../use-presence.ts';

/** A user's status as a dot: online green, away amber, offline (or not known yet) grey. */
export function PresenceDot({ userId }: { readonly userId: string }) {
  const state = usePresence(userId)?.state ?? 'offline';
  const label = t(`presence.${state}`);
  return <span class="presence-dot" data-state={state} role="img" aria-label={label} title={label} />;
}
