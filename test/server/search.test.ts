/** search over the wire: results, snippets, authorization (private rooms, kicks) and bad queries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, ResultsFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { LIMITS } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let olga: Client; // owns every room here
let mel: Client; // invited to the private room
let otto: Client; // outsider
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;

const ack = (c: RawClient, frame: Record<string, unknown>) => c.request('ack', { id: rid('a'), ...frame });
const send = async (c: RawClient, room: string, body: string) =>
  (await ack(c, { type: 'send', room, kind: 'text', body })).seq;

const search = (c: RawClient, q: string, extra: Record<string, unknown> = {}): Promise<ResultsFrame> =>
  c.request('results', { type: 'search', id: rid('s'), q, ...extra });

const refused = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  try {
    await c.request('results', { type: 'search', id: rid('s'), ...frame });
  } catch (err) {
    return (err as { frame: ErrorFrame }).frame;
  }
  throw new Error(`search ${JSON.stringify(frame)} was not refused`);
};

const where = (r: ResultsFrame) => r.results.map((x) => `${x.room}:${x.seq}`);

let vaultSeq: number;
let plazaSeq: number;

beforeAll(async () => {
  // Room for the searches of these tests on one connection; the last test runs past the burst.
  server = await startServer({ args: ['--conn-searches-per-sec', '1', '--conn-searches-burst', '60'] });
  olga = await RawClient.connect(server.wsUrl, 'olga');
  mel = await RawClient.connect(server.wsUrl, 'mel');
  otto = await RawClient.connect(server.wsUrl, 'otto');
  await olga.request('room', { type: 'create', id: rid('c'), room: 'vault', visibility: 'private' });
  await olga.request('room', { type: 'create', id: rid('c'), room: 'plaza' });
  for (const room of ['vault', 'plaza']) await olga.request('joined', { type: 'join', id: rid('j'), room });
  await ack(olga, { type: 'invite', room: 'vault', user: uid(mel) });
  await mel.request('joined', { type: 'join', id: rid('j'), room: 'plaza' });
  vaultSeq = await send(olga, 'vault', 'Launch codes 发射代码 are in the safe');
  plazaSeq = await send(olga, 'plaza', 'launch party on friday');
});

afterAll(async () => {
  for (const c of [olga, mel, otto]) c.close();
  await server.dispose();
});

describe('search', () => {
  it('answers with the messages, newest first, and a plain-text snippet with match offsets', async () => {
    const r = await search(mel, 'LAUNCH');
    expect(where(r)).toEqual([`plaza:${plazaSeq}`, `vault:${vaultSeq}`]);
    expect(r.next).toBeUndefined();
    const [plaza, vault] = r.results;
    expect(plaza).toMatchObject({
      room: 'plaza',
      kind: 'text',
      body: 'launch party on friday',
      sender: { id: olga.welcome.user.id, nick: olga.welcome.user.nick },
    });
    expect(plaza?.ts).toBeGreaterThan(0);
    expect(plaza?.snippet).toBe('launch party on friday');
    expect(plaza?.marks).toEqual([[0, 6]]);
    expect(vault?.marks.map(([a, b]) => vault.snippet.slice(a, b))).toEqual(['Launch']);
    // Chinese substrings, two characters and more.
    for (const q of ['发射', '发射代码', '射代']) expect(where(await search(mel, q)), q).toEqual([`vault:${vaultSeq}`]);
    // A long message is cut around the first match; markup in it stays text.
    const long = `${'lorem ipsum '.repeat(30)}<b>needle</b> ${'dolor sit '.repeat(30)}`;
    const seq = await send(olga, 'plaza', long);
    const hit = (await search(mel, 'needle')).results[0];
    expect(hit).toMatchObject({ seq, body: long });
    expect(hit!.snippet.length).toBeLessThan(200);
    expect(hit!.snippet.startsWith('…') && hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet).toContain('<b>needle</b>');
    expect(hit!.marks.map(([a, b]) => hit!.snippet.slice(a, b))).toEqual(['needle']);
  });

  it('pages with next, and searches one room', async () => {
    const c = await RawClient.connect(server.wsUrl, 'pager');
    await c.request('joined', { type: 'join', id: rid('j'), room: 'plaza' });
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push(await send(c, 'plaza', `page test ${i}`));
    const first = await search(c, 'page test', { limit: 2 });
    expect(first.results.map((x) => x.seq)).toEqual([seqs[4], seqs[3]]);
    const second = await search(c, 'page test', { limit: 2, before: first.next });
    expect(second.results.map((x) => x.seq)).toEqual([seqs[2], seqs[1]]);
    const third = await search(c, 'page test', { limit: 2, before: second.next });
    expect(third.results.map((x) => x.seq)).toEqual([seqs[0]]);
    expect(third.next).toBeUndefined();
    expect(where(await search(c, 'launch', { room: 'plaza' }))).toEqual([`plaza:${plazaSeq}`]);
    c.close();
  });

  it('never shows a non-member a private room’s messages, nor tells that the room exists', async () => {
    expect(where(await search(otto, 'launch'))).toEqual([]);
    expect(where(await search(otto, '发射'))).toEqual([]);
    expect(where(await search(otto, 'codes'))).toEqual([]);
    const secret = await refused(otto, { q: 'launch', room: 'vault' });
    const missing = await refused(otto, { q: 'launch', room: 'nowhere' });
    expect(secret.code).toBe('room_not_found');
    expect({ ...secret, id: '', message: secret.message.replace('vault', 'R') }).toEqual({
      ...missing,
      id: '',
      message: missing.message.replace('nowhere', 'R'),
    });
    // A public room is searched once joined, not before.
    expect((await refused(otto, { q: 'launch', room: 'plaza' })).code).toBe('not_member');
    await otto.request('joined', { type: 'join', id: rid('j'), room: 'plaza' });
    expect(where(await search(otto, 'launch'))).toEqual([`plaza:${plazaSeq}`]);
  });

  it('a kicked user no longer finds the room’s messages', async () => {
    const kim = await RawClient.connect(server.wsUrl, 'kim');
    await ack(olga, { type: 'invite', room: 'vault', user: uid(kim) });
    expect(where(await search(kim, 'safe'))).toEqual([`vault:${vaultSeq}`]);
    await ack(olga, { type: 'kick', room: 'vault', user: uid(kim) });
    expect(where(await search(kim, 'safe'))).toEqual([]);
    expect((await refused(kim, { q: 'safe', room: 'vault' })).code).toBe('room_not_found');
    kim.close();
  });

  it('follows edits and deletes', async () => {
    const seq = await send(olga, 'plaza', 'typo in this mesage');
    expect(where(await search(mel, 'mesage'))).toEqual([`plaza:${seq}`]);
    await ack(olga, { type: 'edit', room: 'plaza', ref: seq, body: 'no typo in this message' });
    expect(where(await search(mel, 'mesage'))).toEqual([]);
    expect((await search(mel, 'typo message')).results.map((x) => [x.seq, x.body])).toEqual([
      [seq, 'no typo in this message'],
    ]);
    await ack(olga, { type: 'delete', room: 'plaza', ref: seq });
    expect(where(await search(mel, 'typo message'))).toEqual([]);
  });

  it('refuses bad queries with documented codes, takes any text literally, and stays open', async () => {
    const c = await RawClient.connect(server.wsUrl, 'fuzzer');
    await c.request('joined', { type: 'join', id: rid('j'), room: 'plaza' });
    const bad: [Record<string, unknown>, string][] = [
      [{ q: '' }, 'query_invalid'],
      [{ q: '   \n ' }, 'query_invalid'],
      [{ q: '""' }, 'query_invalid'],
      [{ q: 'x'.repeat(LIMITS.searchQueryMax + 1) }, 'query_invalid'],
      [{ q: Array.from({ length: LIMITS.searchTermsMax + 1 }, (_, i) => `w${i}`).join(' ') }, 'query_invalid'],
      [{ q: 42 }, 'query_invalid'],
      [{}, 'query_invalid'],
      [{ q: 'ok', limit: 0 }, 'bad_frame'],
      [{ q: 'ok', limit: LIMITS.searchMaxLimit + 1 }, 'bad_frame'],
      [{ q: 'ok', before: -1 }, 'bad_frame'],
      [{ q: 'ok', room: '../etc' }, 'room_invalid'],
    ];
    for (const [frame, code] of bad) expect((await refused(c, frame)).code, JSON.stringify(frame)).toBe(code);

    const seq = await send(c, 'plaza', 'quote " star * caret ^ colon body: NEAR(a b) 100%_');
    for (const q of ['"colon body:"', 'NEAR(a', 'body:', '*', '^', '100%_', 'NEAR', '" star *"']) {
      const r = await search(c, q);
      expect(
        r.results.map((x) => x.seq),
        q,
      ).toContain(seq);
    }
    const rng = seededRandom(7);
    const atoms = ['"', '*', '^', ':', '(', ')', '-', 'NEAR', 'AND', 'OR', '{', '%', '_', '\\', '会', '😀', ' '];
    for (let i = 0; i < 15; i++) {
      const q = Array.from({ length: 1 + Math.floor(rng() * 8) }, () => atoms[Math.floor(rng() * atoms.length)]).join(
        '',
      );
      try {
        await search(c, q);
      } catch (err) {
        expect((err as { frame: ErrorFrame }).frame.code, q).toBe('query_invalid');
      }
    }
    expect(await c.request('pong', { type: 'ping', id: rid('p') })).toMatchObject({ type: 'pong' });
    c.close();
  });

  it('limits searches per connection with rate_limited and retryAfterMs', async () => {
    const c = await RawClient.connect(server.wsUrl, 'eager');
    const ids = Array.from({ length: 80 }, () => rid('s'));
    for (const id of ids) c.sendJson({ type: 'search', id, q: 'launch' });
    const answerTo = (id: string) => c.frames.find((f) => 'id' in f && f.id === id);
    await waitUntil(() => ids.every(answerTo), { what: 'an answer to every search' });
    const limited = ids.map(answerTo).filter((f) => f?.type === 'error');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((limited[0] as ErrorFrame).retryAfterMs).toBeGreaterThan(0);
    c.close();
  });

  it('keeps answering everyone else while a hostile search is pipelined (issue 10, finding 4)', async () => {
    const flooder = await RawClient.connect(server.wsUrl, 'flooder');
    // Members of no room: each pipelines the search three times (before the fix: over 4 s each).
    const strangers = [
      await RawClient.connect(server.wsUrl, 'stranger1'),
      await RawClient.connect(server.wsUrl, 'stranger2'),
    ];
    const member = await RawClient.connect(server.wsUrl, 'floodie');
    const bystander = await RawClient.connect(server.wsUrl, 'bystander');
    await flooder.request('room', { type: 'create', id: rid('c'), room: 'flood' });
    for (const c of [flooder, member]) await c.request('joined', { type: 'join', id: rid('j'), room: 'flood' });
    await bystander.request('joined', { type: 'join', id: rid('j'), room: 'plaza' });
    // The repro: a few hundred 4 000-character messages of one letter.
    const sends = Array.from({ length: 300 }, () => rid('f'));
    for (const id of sends) flooder.sendJson({ type: 'send', id, room: 'flood', kind: 'text', body: 'a'.repeat(4000) });
    const acked = (id: string) => flooder.frames.some((f) => f.type === 'ack' && f.id === id);
    await waitUntil(() => sends.every(acked), { timeoutMs: 30_000, what: 'the flood acknowledged' });

    const hostile = 'a'.repeat(200);
    const searches = [...strangers, member]
      .flatMap((c) => [c, c, c])
      .map((c) => {
        const id = rid('s');
        c.sendJson({ type: 'search', id, q: hostile, limit: 50 });
        return { c, id };
      });
    // Meanwhile another client's pings and messages keep round-tripping (each within request()'s 5 s).
    for (let i = 0; i < 5; i++) {
      expect(await bystander.request('pong', { type: 'ping', id: rid('p') })).toMatchObject({ type: 'pong' });
      expect(await send(bystander, 'plaza', `still here ${i}`)).toBeGreaterThan(0);
    }
    const answers: ResultsFrame[] = [];
    for (const { c, id } of searches) answers.push(await c.next('results', (f) => f.id === id, 20_000));
    for (const a of answers.slice(0, 6)) expect(a).toMatchObject({ results: [] });
    for (const a of answers.slice(6)) {
      expect(a.results).toHaveLength(50);
      expect(a.results.every((r) => r.room === 'flood' && r.marks.length === 1)).toBe(true);
      expect(a.next).toBeDefined();
    }
    for (const c of [flooder, ...strangers, member, bystander]) c.close();
  });
});
