/** Over the per-user connection cap the SDK never reports 'connected': it backs off and gets in once a slot frees. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ defaultLimits: true, args: ['--max-connections-per-user', '1'] });
});
afterAll(() => server.dispose());

it('a second tab over the cap: too_many_connections, reconnecting on 4005, no welcome; in once the first closes', async () => {
  const first = makeClient(server.wsUrl, 'tabby');
  await inState(first, 'connected');
  const session = first.session as string;
  const second = makeClient(server.wsUrl, 'tabby', { session });
  const refused = await next(second, 'error', (e) => e.code === 'too_many_connections');
  expect(refused.retryable).toBe(true);
  await next(second, 'state', (s) => s.state === 'reconnecting' && s.code === 4005);
  expect(second.seen.welcomes).toEqual([]);
  expect(second.seen.states.map((s) => s.state)).not.toContain('connected');
  first.close();
  await inState(second, 'connected');
  expect(second.user?.id).toBe(first.user?.id);
});
