/** The heartbeat's expiry sweep: an account connection closes with 4410 once its access token expired. */
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/protocol/index.ts';
import type { AccessClaims } from '../../src/server/auth/tokens.ts';
import { closeExpired } from '../../src/server/gateway/heartbeat.ts';

function conn(expiresAt?: number): {
  account: AccessClaims | undefined;
  close: (code: number) => void;
  codes: number[];
} {
  const codes: number[] = [];
  const account =
    expiresAt === undefined
      ? undefined
      : ({ user: { id: 'u', nick: 'u' }, sessionId: 's', expiresAt } as unknown as AccessClaims);
  return { account, codes, close: (code: number) => void codes.push(code) };
}

describe('closeExpired', () => {
  it('closes the connections whose token expired by now, and only those', () => {
    const expired = conn(1_000);
    const justNow = conn(2_000);
    const later = conn(2_001);
    const guest = conn();
    closeExpired(new Set([expired, justNow, later, guest]), 2_000);
    expect(expired.codes).toEqual([CLOSE.token_expired]);
    expect(justNow.codes).toEqual([CLOSE.token_expired]);
    expect(later.codes).toEqual([]);
    expect(guest.codes).toEqual([]);
    closeExpired(new Set([later]), 2_001);
    expect(later.codes).toEqual([CLOSE.token_expired]);
  });
});
