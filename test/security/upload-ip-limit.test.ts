/**
 * Uploads are limited per client IP as well as per user: with guests on, a new identity is one
 * `hello` away, so a per-user bucket alone does not bound what one address can write to disk.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let image: Buffer;
const guests: Client[] = [];

beforeAll(async () => {
  // Each guest could upload 100 times; the address only twice (no refill). X-Forwarded-For
  // (trusted here) stands in for several client addresses on one test machine.
  server = await startServer({
    defaultLimits: true,
    args: ['--trust-proxy', '1', '--user-uploads-burst', '100', '--ip-uploads-burst', '2', '--ip-uploads-per-min', '0'],
  });
  image = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  for (const g of guests) g.close();
  await server.dispose();
});

async function guest(nick: string): Promise<Client> {
  const c = await RawClient.connect(server.wsUrl, nick);
  guests.push(c);
  await c.request('joined', { type: 'join', id: 'j', room: 'general' });
  return c;
}

async function upload(c: Client, ip: string) {
  const res = await fetch(`${server.url}/api/rooms/general/files?name=a.png`, {
    method: 'POST',
    headers: { Authorization: `Session ${c.welcome.session}`, 'Content-Type': 'image/png', 'X-Forwarded-For': ip },
    body: image as Uint8Array<ArrayBuffer>,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

describe('uploads per client IP', () => {
  it('refuses a fresh guest from a spent address with 429 + Retry-After; other addresses go on', async () => {
    const [a, b, c] = [await guest('ipup-a'), await guest('ipup-b'), await guest('ipup-c')];
    expect((await upload(a, '203.0.113.5')).status).toBe(201);
    expect((await upload(b, '203.0.113.5')).status).toBe(201);
    // A third identity from the same address: refused before a byte is stored.
    const third = await upload(c, '203.0.113.5');
    expect(third.status).toBe(429);
    expect(third.json['error']).toBe('rate_limited');
    expect(third.json['retryAfterMs']).toBeGreaterThan(0);
    expect(Number(third.retryAfter)).toBeGreaterThan(0);
    // IPv6 counts per /64: a new address in the same prefix is the same client.
    expect((await upload(c, '2001:db8:7:7::1')).status).toBe(201);
    expect((await upload(c, '2001:db8:7:7::2')).status).toBe(201);
    expect((await upload(c, '2001:db8:7:7:ffff::3')).status).toBe(429);
    // The refusals cost the user nothing: from another address the same guest uploads at once.
    expect((await upload(c, '198.51.100.9')).status).toBe(201);
  });
});
