import type { UserRef } from '../../../src/client/index.ts';
import { hueOf, initialOf } from '../format.ts';

export function Avatar({ user, small = false }: { readonly user: UserRef; readonly small?: boolean }) {
  return (
    <span class={small ? 'avatar avatar-sm' : 'avatar'} style={{ '--hue': String(hueOf(user.id)) }} aria-hidden="true">
      {initialOf(user.nick)}
    </span>
  );
}
