import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/server/options.ts';
import { UserLimits } from '../../src/server/limits/user-limits.ts';

const options = { ...DEFAULTS, maxConnectionsPerUser: 2, maxRoomsPerUser: 2 };
const conn = (...rooms: string[]): { rooms: Map<string, unknown> } => ({ rooms: new Map(rooms.map((r) => [r, {}])) });

describe('per-user caps, counted from the connections themselves', () => {
  it('caps connections per user; a detached slot is free again; attaching twice counts once', () => {
    const limits = new UserLimits(options);
    const a = conn();
    const b = conn();
    expect(limits.attach('u', a)).toBe(true);
    expect(limits.attach('u', a)).toBe(true);
    expect(limits.attach('u', b)).toBe(true);
    expect(limits.attach('u', conn())).toBe(false);
    limits.detach('u', a);
    expect(limits.attach('u', conn())).toBe(true);
    limits.detach('u', b);
    limits.detach('u', b);
    expect(limits.size).toBe(1);
  });

  it('caps the distinct rooms joined across the user’s connections, and sees a room taken away', () => {
    const limits = new UserLimits(options);
    const a = conn('r1');
    const b = conn('r2', 'r1');
    limits.attach('u', a);
    limits.attach('u', b);
    expect(limits.mayJoin('u', 'r3')).toBe(false);
    // A room one connection has joined already is no new room.
    expect(limits.mayJoin('u', 'r2')).toBe(true);
    // Kicked from r2 (no leave frame): the count follows the connections' rooms.
    b.rooms.delete('r2');
    expect(limits.mayJoin('u', 'r3')).toBe(true);
    limits.detach('u', a);
    limits.detach('u', b);
    expect(limits.size).toBe(0);
    expect(limits.mayJoin('u', 'r9')).toBe(true);
  });
});
