/** `/who` marks people who are away (idle on every device). */
import { expect, it } from 'vitest';
import { renderOnline } from '../../src/tui/render.ts';

it('lists the room online by nickname, marking the away ones', () => {
  const online = [
    { id: 'b', nick: 'bob' },
    { id: 'a', nick: 'ada' },
  ];
  expect(renderOnline('general', online, new Set(['b']))).toBe('online in #general (2): ada, bob (away)');
  expect(renderOnline('general', online)).toBe('online in #general (2): ada, bob');
});

it('shows an account’s display name with its handle, sanitised', () => {
  const online = [
    { id: 'a', nick: 'ada', name: 'Ada \u001b[31mLovelace' },
    { id: 'g', nick: 'gus', guest: true as const },
  ];
  expect(renderOnline('general', online, new Set(['a']))).toBe(
    'online in #general (2): Ada Lovelace (@ada) (away), gus',
  );
});
