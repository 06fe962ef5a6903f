/** The web app's sign-in hints use the server's own name rules, invisible characters included. */
import { describe, expect, it } from 'vitest';
import { nickProblem, roomProblem } from '../../web/src/validate.ts';

describe('nickProblem', () => {
  it('accepts the names the server accepts', () => {
    for (const nick of ['ada', 'Ada Lovelace', '小明', 'bob_2.0']) expect(nickProblem(nick), nick).toBeUndefined();
  });

  it('refuses invisible and blank-rendering code points, as the server does', () => {
    for (const nick of ['\u3164', 'ada\u3164', '\u2800', 'a\u200bb', 'ada\u00ad']) {
      expect(nickProblem(nick), JSON.stringify(nick)).toBeDefined();
    }
  });

  it('refuses what the pattern refuses', () => {
    for (const nick of ['', '   ', '<b>', 'a'.repeat(33)]) expect(nickProblem(nick), nick).toBeDefined();
  });
});

describe('roomProblem', () => {
  it('takes slugs only', () => {
    expect(roomProblem('general')).toBeUndefined();
    expect(roomProblem('General')).toBeDefined();
  });
});
