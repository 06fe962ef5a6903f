/** SIGTERM: in-flight sends are stored and acknowledged before the 1001 close; nothing is lost. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ args: ['--shutdown-spread-ms', '2000'] });
});

afterAll(async () => {
  await server.dispose();
});

describe('graceful shutdown', () => {
  it('acks what it stored, refuses the rest as retryable, and closes with 1001 and a retry hint', async () => {
    const c = await RawClient.connect(server.wsUrl, 'shutdown');
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    const total = 300;
    for (let i = 0; i < total; i++)
      c.sendJson({ type: 'send', id: `s${i}`, room: 'general', kind: 'text', body: `${i}` });
    await c.next('ack', (a) => a.id === 's0');
    const stopped = server.stop();
    const { code, reason } = await c.closed;
    await stopped;
    expect(code).toBe(1001);
    const hint = JSON.parse(reason) as { retryMs: number };
    expect(hint.retryMs).toBeGreaterThanOrEqual(0);
    expect(hint.retryMs).toBeLessThan(2000);

    const acked = new Map<string, number>();
    const refused = new Set<string>();
    for (const f of c.frames) {
      if (f.type === 'ack') acked.set(f.id, f.seq);
      if (f.type === 'error' && f.id !== undefined) {
        expect(f).toMatchObject({ code: 'unavailable', retryable: true });
        refused.add(f.id);
      }
    }
    // Every send was answered one way or the other before the close.
    expect(acked.size + refused.size).toBe(total);

    await server.restart();
    const again = await RawClient.connect(server.wsUrl, 'shutdown', c.welcome.session);
    await again.request('joined', { type: 'join', id: 'j', room: 'general' });
    const page = await again.request('history', { type: 'history', id: 'h', room: 'general', limit: 200, after: 0 });
    const rest = await again.request('history', { type: 'history', id: 'h2', room: 'general', limit: 200, after: 200 });
    const stored = [...page.events, ...rest.events].filter((e) => e.kind === 'text');
    // Exactly the acknowledged sends are stored, once each, at the acknowledged seq.
    expect(stored.map((e) => [e.cid, e.seq])).toEqual([...acked.entries()]);
    again.close();
  });
});
