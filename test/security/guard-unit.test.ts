/** Unit checks of the origin matcher, the client-IP rule and the token bucket. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/protocol/index.ts';
import { ipLimitKey } from '../../src/server/limits/ip-key.ts';
import { clientIp, originAllowed } from '../../src/server/gateway/upgrade-guard.ts';

const DEFAULT = ['self', 'http://localhost:*', 'http://127.0.0.1:*'];

describe('originAllowed', () => {
  const cases: [string | undefined, string, readonly string[], boolean][] = [
    [undefined, 'chat.example.com', DEFAULT, true],
    ['https://chat.example.com', 'chat.example.com', DEFAULT, true],
    ['https://CHAT.example.com', 'chat.example.com', DEFAULT, true],
    ['https://chat.example.com:8443', 'chat.example.com', DEFAULT, false],
    ['https://evil.example', 'chat.example.com', DEFAULT, false],
    ['https://chat.example.com.evil.example', 'chat.example.com', DEFAULT, false],
    ['http://localhost:5173', 'chat.example.com', DEFAULT, true],
    ['http://localhost.evil.example:5173', 'chat.example.com', DEFAULT, false],
    ['https://localhost:5173', 'chat.example.com', DEFAULT, false],
    ['null', 'chat.example.com', DEFAULT, false],
    ['http://a/b', 'a', DEFAULT, false],
    ['not a url', 'chat.example.com', ['*'], false],
    ['https://anything.example', 'x', ['*'], true],
    ['https://chat.example.com', 'x', ['https://chat.example.com'], true],
    ['https://chat.example.com', 'x', ['https://chat.example.com/'], true],
    ['http://chat.example.com', 'x', ['https://chat.example.com'], false],
  ];
  for (const [origin, host, allowed, expected] of cases) {
    it(`${String(origin)} (Host ${host}, ${allowed.join(',')}) → ${expected}`, () => {
      expect(originAllowed(origin, host, allowed)).toBe(expected);
    });
  }
});

describe('clientIp', () => {
  const req = (xff?: string): IncomingMessage =>
    ({
      socket: { remoteAddress: '10.0.0.1' },
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
    }) as unknown as IncomingMessage;
  it('uses the socket address unless proxies are trusted', () => {
    expect(clientIp(req('1.2.3.4'), 0)).toBe('10.0.0.1');
  });
  it('takes the n-th entry from the right, so a client-supplied prefix is ignored', () => {
    expect(clientIp(req('6.6.6.6, 1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientIp(req('6.6.6.6, 1.2.3.4, 10.0.0.2'), 2)).toBe('1.2.3.4');
    expect(clientIp(req(), 1)).toBe('10.0.0.1');
  });
});

describe('ipLimitKey', () => {
  const cases: [string, string][] = [
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['not-an-ip', 'not-an-ip'],
  ];
  for (const [ip, key] of cases) {
    it(`${ip} → ${key}`, () => expect(ipLimitKey(ip)).toBe(key));
  }
  it('puts every address of one /64 under one key, and neighbouring /64s under others', () => {
    expect(ipLimitKey('2001:db8:1:2:ffff::9')).toBe(ipLimitKey('2001:db8:1:2::1'));
    expect(ipLimitKey('2001:db8:1:3::1')).not.toBe(ipLimitKey('2001:db8:1:2::1'));
  });
});

describe('TokenBucket', () => {
  it('grants the burst, then refills at the rate, and says how long to wait', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(100);
    expect(b.take(50)).toBe(50);
    expect(b.take(100)).toBe(0);
    expect(b.take(10_000)).toBe(0); // refilled, but never above the burst
    expect([b.take(10_000), b.take(10_000), b.take(10_000)]).toEqual([0, 0, 100]);
  });
});
