/** GET /metrics: off by default, behind a bearer token when one is set, and its counters follow what the node did. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { statusOf, tryUpgrade } from '../security/upgrade.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

const TOKEN = 'metrics-test-token-0123456789';

let server: TestServer;
const clients: RawClient[] = [];

beforeAll(async () => {
  server = await startServer({ args: ['--metrics-token', TOKEN] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.dispose();
});

async function connect(nick: string): Promise<RawClient & { welcome: { user: { id: string } } }> {
  const c = await RawClient.connect(server.wsUrl, nick);
  clients.push(c);
  return c;
}

/** The samples of a Prometheus text page: `name{labels}` → value. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

async function scrape(url = server.url): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const sample = (m: Map<string, number>, key: string): number => {
  const v = m.get(key);
  if (v === undefined) throw new Error(`no sample ${key}`);
  return v;
};

describe('GET /metrics', () => {
  it('is 404 on a node started without --metrics or --metrics-token', async () => {
    const plain = await startServer();
    try {
      const res = await fetch(`${plain.url}/metrics`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    } finally {
      await plain.dispose();
    }
  });

  it('is open with --metrics on', async () => {
    const open = await startServer({ args: ['--metrics', 'on'] });
    try {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).toBe(200);
      const m = parse(await res.text());
      expect(sample(m, 'parley_connections')).toBe(0);
      // Node's process metrics, prefixed, in the node's own registry.
      expect(sample(m, 'parley_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(m, 'parley_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    } finally {
      await open.dispose();
    }
  });

  it('answers 401 token_invalid without the token, or with a wrong one', async () => {
    const tries: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong' }, { Authorization: TOKEN }];
    for (const headers of tries) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await res.json()) as { error: string }).error).toBe('token_invalid');
    }
  });

  it('counts frames, errors, commits, deliveries, evictions and open connections', async () => {
    const before = await scrape();
    expect(sample(before, 'parley_connections')).toBe(0);
    expect(sample(before, 'parley_frames_in_total{type="send"}')).toBe(0);
    expect([...before.keys()].some((k) => k.startsWith('parley_node_info{node="'))).toBe(true);

    const a = await connect('mia');
    const b = await connect('max');
    const c = await connect('moe');
    await a.request('room', { type: 'create', id: 'c1', room: 'metrics', title: 'Metrics' });
    for (const x of [a, b, c]) await x.request('joined', { type: 'join', id: 'j1', room: 'metrics' });
    for (let i = 0; i < 5; i++)
      await a.request('ack', { type: 'send', id: `s${i}`, room: 'metrics', kind: 'text', body: `hi ${i}` });
    await waitUntil(() => c.texts('metrics').length === 5, { what: 'five messages at c' });
    // An error: a frame that is not JSON.
    b.sendRaw('{not json');
    await b.next('error', (f) => f.code === 'bad_json');
    // A kick evicts c from the room.
    await a.request('ack', { type: 'kick', id: 'k1', room: 'metrics', user: c.welcome.user.id });
    await c.next('removed');

    const m = await scrape();
    expect(sample(m, 'parley_connections')).toBe(3);
    expect(sample(m, 'parley_frames_in_total{type="hello"}')).toBe(3);
    expect(sample(m, 'parley_frames_in_total{type="join"}')).toBe(3);
    expect(sample(m, 'parley_frames_in_total{type="send"}')).toBe(5);
    expect(sample(m, 'parley_frames_in_total{type="invalid"}')).toBe(1);
    expect(sample(m, 'parley_errors_total{code="bad_json"}')).toBe(1);
    expect(sample(m, 'parley_frames_out_total{type="welcome"}')).toBe(3);
    expect(sample(m, 'parley_frames_out_total{type="ack"}')).toBeGreaterThanOrEqual(6);
    expect(sample(m, 'parley_frames_out_total{type="error"}')).toBe(1);
    // Five messages to three members, at least (the joins and the kick are events too).
    expect(sample(m, 'parley_frames_out_total{type="event"}')).toBeGreaterThanOrEqual(15);
    expect(sample(m, 'parley_deliveries_total')).toBeGreaterThanOrEqual(15);
    expect(sample(m, 'parley_evictions_total{reason="kick"}')).toBe(1);
    expect(sample(m, 'parley_evictions_total{reason="slow_consumer"}')).toBe(0);
    // create (room), three joins, five sends and the kick: every write is timed.
    expect(sample(m, 'parley_commit_seconds_count')).toBeGreaterThanOrEqual(9);
    expect(sample(m, 'parley_fanout_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(sample(m, 'parley_fanout_seconds_bucket{le="+Inf"}')).toBe(sample(m, 'parley_fanout_seconds_count'));
    expect(sample(m, 'parley_outbound_queued_bytes')).toBeGreaterThanOrEqual(0);
    expect(sample(m, 'parley_rate_limited_total{limit="writes"}')).toBe(0);

    // The gauge follows the node's connection set.
    b.close();
    await waitUntil(async () => sample(await scrape(), 'parley_connections') === 2, { what: 'two connections' });
  });
});

describe('GET /metrics, rate limits', () => {
  it('counts refusals by limit', async () => {
    const limited = await startServer({
      args: ['--metrics', 'on', '--conn-writes-per-sec', '0', '--conn-writes-burst', '1'],
    });
    const c = await RawClient.connect(limited.wsUrl, 'rita');
    try {
      await c.request('joined', { type: 'join', id: 'j', room: 'general' });
      for (let i = 0; i < 3; i++) c.sendJson({ type: 'send', id: `s${i}`, room: 'general', kind: 'text', body: 'x' });
      await c.next('error', (f) => f.code === 'rate_limited');
      const m = parse(await (await fetch(`${limited.url}/metrics`)).text());
      expect(sample(m, 'parley_rate_limited_total{limit="writes"}')).toBeGreaterThanOrEqual(1);
      expect(sample(m, 'parley_errors_total{code="rate_limited"}')).toBeGreaterThanOrEqual(1);
    } finally {
      c.close();
      await limited.dispose();
    }
  });

  it('counts upgrades refused by the per-IP connect rate', async () => {
    const node = await startServer({
      args: ['--metrics', 'on', '--ip-connects-per-sec', '0', '--ip-connects-burst', '1'],
    });
    try {
      expect(statusOf(await tryUpgrade(node.wsUrl))).toBe(101);
      expect(statusOf(await tryUpgrade(node.wsUrl))).toBe(429);
      const m = parse(await (await fetch(`${node.url}/metrics`)).text());
      expect(sample(m, 'parley_rate_limited_total{limit="connect-ip"}')).toBe(1);
    } finally {
      await node.dispose();
    }
  });

  it('counts join replays as frames out, and searches refused by their budget', async () => {
    const node = await startServer({
      args: ['--metrics', 'on', '--conn-searches-per-sec', '0', '--conn-searches-burst', '1'],
    });
    const scrapeNode = async (): Promise<Map<string, number>> =>
      parse(await (await fetch(`${node.url}/metrics`)).text());
    const writer = await RawClient.connect(node.wsUrl, 'wes');
    const reader = await RawClient.connect(node.wsUrl, 'rex');
    try {
      await writer.request('joined', { type: 'join', id: 'j', room: 'general' });
      for (let i = 0; i < 3; i++)
        await writer.request('ack', { type: 'send', id: `s${i}`, room: 'general', kind: 'text', body: `old ${i}` });
      const before = sample(await scrapeNode(), 'parley_frames_out_total{type="event"}');
      // From the start of the log: three messages (and wes's join) come as a replay, not live.
      await reader.request('joined', { type: 'join', id: 'j', room: 'general', after: 0 });
      await waitUntil(() => reader.texts('general').length === 3, { what: 'the replay at rex' });
      const replayed = sample(await scrapeNode(), 'parley_frames_out_total{type="event"}') - before;
      expect(replayed).toBeGreaterThanOrEqual(4);

      await reader.request('results', { type: 'search', id: 'q1', q: 'old' });
      reader.sendJson({ type: 'search', id: 'q2', q: 'old' });
      await reader.next('error', (f) => f.code === 'rate_limited');
      expect(sample(await scrapeNode(), 'parley_rate_limited_total{limit="search"}')).toBe(1);
    } finally {
      writer.close();
      reader.close();
      await node.dispose();
    }
  });
});
