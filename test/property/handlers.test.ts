/**
 * Property: every handler of a real server (a child process) survives any frame. For every
 * client frame type, any value in any field (test/property/arbitraries.ts), sent after hello and
 * before it. The invariants, checked after every batch:
 * - the process stays up and answers;
 * - every frame with an id gets exactly its documented answer: the reply of its type
 *   (docs/protocol.md, _Client frames_) or an `error` with a documented code, never `internal`;
 *   a frame that fails to decode gets exactly the decoder's code;
 * - the connection stays open (before hello, a refused `hello` closes it with 4400/4401, as
 *   documented);
 * - a second user's traffic keeps flowing: send, ack and the event in a room, round after round.
 *
 * Seeded (test/property/config.ts). A failure prints the seed and path; rerun with
 *   PARLEY_PROPERTY_SEED=<seed> npx vitest run test/property/handlers.test.ts
 * and run longer with PARLEY_PROPERTY_SEED=<any> PARLEY_PROPERTY_RUNS=<n>.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  CLOSE,
  decodeClientFrame,
  ERROR_CODES,
  LIMITS,
  type ErrorFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../src/protocol/index.ts';
import { Canary } from '../support/canary.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';
import { frameText, type FrameType } from './arbitraries.ts';
import { LONG_RUN, propertyParams } from './config.ts';

/** Replaced by a fresh request id in each frame sent, so every answer can be matched to its frame. */
const ID_SLOT = '@@id@@';
/** Keep frames under the server's frame limit (larger ones are closed with 1009, as documented). */
const MAX_FRAME_BYTES = LIMITS.maxFrameBytes;
const DOCUMENTED = new Set<string>(ERROR_CODES);
/** Codes that mean the server failed, never an answer to a client's frame. */
const NEVER = new Set(['internal', 'unavailable']);

/** The documented reply of each frame type after hello (docs/protocol.md, _Client frames_); null: none on success. */
const REPLY: Record<FrameType, string | null> = {
  hello: null, // after hello: already_hello (an error)
  create: 'room',
  rooms: 'rooms',
  join: 'joined',
  leave: 'left',
  send: 'ack',
  edit: 'ack',
  delete: 'ack',
  react: 'ack',
  history: 'history',
  invite: 'ack',
  kick: 'ack',
  ban: 'ack',
  unban: 'ack',
  role: 'ack',
  typing: null,
  status: null,
  who: 'status',
  online: null,
  read: null,
  sync: 'synced',
  unread: 'unread',
  ping: 'pong',
  search: 'results',
  dm: 'room',
  rename: 'ack',
  topic: 'ack',
  members: 'members',
  block: 'blocks',
  unblock: 'blocks',
  blocks: 'blocks',
  profile: 'profile',
};

/** Frames pushed by the server, never answers: room events, ephemeral signals, the user log. */
function isPush(f: ServerFrame): boolean {
  if (f.type === 'event' || f.type === 'presence' || f.type === 'typing' || f.type === 'receipts') return true;
  if (f.type === 'user' || f.type === 'removed') return true;
  if ((f.type === 'blocks' || f.type === 'profile') && f.id === undefined) return true;
  return f.type === 'status' && f.id === undefined;
}

/** What one frame must be answered with. */
interface Expectation {
  /** The id the answer carries; undefined: the answer (if any) has no id. */
  readonly id: string | undefined;
  /**
   * `answer`: exactly one; `maybe`: at most one, and only an error (no reply on success);
   * `untracked`: the frame's id is not one of ours (any value at all), so ids may repeat.
   */
  readonly how: 'answer' | 'maybe' | 'untracked';
  /** The reply type on success (besides `error`). */
  readonly reply?: string;
  /** When only one error code is right (the frame fails to decode, or comes before hello). */
  readonly code?: string;
  readonly text: string;
}

/** What the server must answer to `text`, decided by the same decoder the server uses. */
function expectationOf(text: string, afterHello: boolean, tracked: boolean): Expectation {
  if (!tracked) return { id: undefined, how: 'untracked', text };
  // The socket carries UTF-8: lone surrogates arrive as U+FFFD, exactly as the server decodes them.
  const decoded = decodeClientFrame(Buffer.from(text, 'utf8').toString('utf8'));
  if (!decoded.ok) return { id: decoded.id, how: 'answer', code: decoded.code, text };
  const { frame } = decoded;
  const id = 'id' in frame ? frame.id : undefined;
  if (!afterHello) {
    if (frame.type === 'ping') return { id, how: 'answer', reply: 'pong', text };
    return { id, how: 'answer', code: 'not_ready', text };
  }
  if (frame.type === 'hello') return { id: undefined, how: 'answer', code: 'already_hello', text };
  const reply = REPLY[frame.type];
  return reply === null ? { id, how: 'maybe', text } : { id, how: 'answer', reply, text };
}

/** Records what a connection receives, answers by id and id-less errors apart. */
class Answers {
  readonly byId = new Map<string, ServerFrame[]>();
  readonly idless: ServerFrame[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly client: RawClient) {
    client.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as ServerFrame;
      if (isPush(f) || f.type === 'welcome') return;
      const id = 'id' in f ? f.id : undefined;
      if (id === undefined) this.idless.push(f);
      else this.byId.set(id, [...(this.byId.get(id) ?? []), f]);
    });
    void client.closed.then((c) => (this.closed = c));
  }
}

/** How often each answer (reply type or error code) came, per test: printed to show what was covered. */
const outcomes = new Map<string, number>();
const tally = (what: string): void => void outcomes.set(what, (outcomes.get(what) ?? 0) + 1);

let seq = 0;
/** Request ids of our own, unlike any the arbitraries make. */
const nextId = (): string => `@t${++seq}`;
const isOurs = (id: string): boolean => id.startsWith('@t');

/** Sends a batch of frames; returns what each must be answered with (frames too large are skipped). */
function sendBatch(client: RawClient, texts: readonly string[], afterHello: boolean): Expectation[] {
  const out: Expectation[] = [];
  for (const raw of texts) {
    const tracked = raw.includes(`"${ID_SLOT}"`);
    const text = raw.replace(`"${ID_SLOT}"`, JSON.stringify(nextId()));
    if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) continue;
    out.push(expectationOf(text, afterHello, tracked));
    client.sendRaw(text);
  }
  return out;
}

/** Problems with the answers to `expected`, once every answer that must come has come. */
async function checkAnswers(answers: Answers, expected: readonly Expectation[]): Promise<string[]> {
  const must = expected.filter((e) => e.how === 'answer' && e.id !== undefined);
  await waitUntil(() => answers.closed !== undefined || must.every((e) => answers.byId.has(e.id as string)), {
    timeoutMs: 15_000,
    what: `answers to ${must.length} frames`,
  }).catch((err: unknown) => {
    const missing = must.filter((e) => !answers.byId.has(e.id as string)).map((e) => e.text.slice(0, 300));
    throw new Error(`${(err as Error).message}; unanswered: ${JSON.stringify(missing)}`, { cause: err });
  });
  // Frames run in order: once a ping sent now is answered, every error for an earlier frame is out.
  if (answers.closed === undefined) await answers.client.request('pong', { type: 'ping', id: nextId() });
  const problems: string[] = [];
  const show = (e: Expectation): string => e.text.slice(0, 300);
  for (const e of expected) {
    if (e.id === undefined) continue;
    const got = answers.byId.get(e.id) ?? [];
    for (const f of got) tally(f.type === 'error' ? f.code : f.type);
    if (e.how === 'answer' && got.length !== 1) problems.push(`${got.length} answers to ${show(e)}`);
    if (e.how === 'maybe' && got.length > 1) problems.push(`${got.length} answers to ${show(e)}`);
    for (const f of got) {
      if (f.type === 'error') {
        if (!DOCUMENTED.has(f.code) || NEVER.has(f.code)) problems.push(`${f.code} (${f.message}) for ${show(e)}`);
        if (e.code !== undefined && f.code !== e.code) problems.push(`${f.code}, not ${e.code}, for ${show(e)}`);
      } else if (e.code !== undefined || f.type !== e.reply) {
        problems.push(`a ${f.type} frame, not ${e.code ?? e.reply ?? 'an error'}, for ${show(e)}`);
      }
    }
  }
  // Answers to frames whose id was any value: documented codes only (ids may repeat, so no counts).
  for (const [id, got] of answers.byId) {
    if (isOurs(id)) continue;
    for (const f of got) {
      if (f.type === 'error' && (!DOCUMENTED.has(f.code) || NEVER.has(f.code))) {
        problems.push(`${f.code} (${f.message}) for id ${JSON.stringify(id).slice(0, 100)}`);
      }
    }
    answers.byId.delete(id);
  }
  // Answers without an id: at least one per frame that must have one (typing and status may add errors).
  const idless = answers.idless.splice(0);
  const idlessMust = expected.filter((e) => e.how === 'answer' && e.id === undefined);
  for (const code of new Set(idlessMust.map((e) => e.code))) {
    const want = idlessMust.filter((e) => e.code === code).length;
    const got = idless.filter((f) => f.type === 'error' && f.code === code).length;
    if (got < want) problems.push(`${got} id-less ${String(code)} errors, wanted ${want}`);
  }
  for (const f of idless) {
    if (f.type === 'pong') continue; // a ping without an id
    if (f.type !== 'error') problems.push(`an id-less ${f.type} frame`);
    else if (!DOCUMENTED.has(f.code) || NEVER.has(f.code)) problems.push(`id-less ${f.code}: ${f.message}`);
  }
  return problems;
}

let server: TestServer;
let bystander: Canary;
const opened: RawClient[] = [];
/** The bystander's writer and reader. */
let people: (RawClient & { welcome: WelcomeFrame })[] = [];

/**
 * Frames of any type, with a trackable id in most (else any id at all). `known`: real user ids
 * and rooms, so moderation, DMs and presence reach past "no such user".
 */
const frames = (opts: { types: readonly FrameType[]; max: number; known?: Record<string, string[]> }) =>
  fc.array(
    fc.constantFrom(...opts.types).chain((t) => {
      const base = { maxHuge: 16_384, ...(opts.known ? { known: opts.known } : {}) };
      return fc.oneof(
        { weight: 3, arbitrary: frameText(t, { ...base, id: ID_SLOT, bias: 'valid' }) },
        { weight: 2, arbitrary: frameText(t, { ...base, id: ID_SLOT }) },
        { weight: 1, arbitrary: frameText(t, base) },
      );
    }),
    { minLength: 1, maxLength: opts.max },
  );

function serverAlive(): void {
  expect(() => process.kill(server.pid(), 0), 'the server process is alive').not.toThrow();
}

beforeAll(async () => {
  server = await startServer({
    // A real process: serverAlive() checks that no input crashed it.
    process: true,
    args: [
      '--default-rooms',
      'general,prop,canary',
      '--conn-searches-per-sec',
      '100000',
      '--conn-searches-burst',
      '100000',
    ],
  });
  const writer = await RawClient.connect(server.wsUrl, 'bystander');
  const reader = await RawClient.connect(server.wsUrl, 'reader');
  for (const c of [writer, reader]) await c.request('joined', { type: 'join', id: 'j', room: 'canary' });
  opened.push(writer, reader);
  people = [writer, reader];
  bystander = new Canary(writer, reader);
});

afterAll(async () => {
  await bystander?.stop();
  for (const c of opened) c.close();
  await server?.dispose();
});

/** Runs a property; on failure prints the server's output tail (fast-check prints the seed). */
async function check<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, runs: number): Promise<void> {
  try {
    await fc.assert(property, propertyParams<Ts>(runs, { live: true }));
  } catch (err) {
    console.error(`server output (tail):\n${server.output().slice(-3_000)}`);
    throw err;
  }
  serverAlive();
  expect(bystander.failure, 'the bystander').toBeUndefined();
  console.log(`answers: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
  outcomes.clear();
}

const budget = LONG_RUN ? 600_000 : 60_000;

describe('every handler, any value in any field', () => {
  it(
    'after hello: exactly the documented answer to each frame, the connection open, others unaffected',
    async () => {
      const fuzzer = await RawClient.connect(server.wsUrl, 'fuzzer');
      opened.push(fuzzer);
      for (const room of ['general', 'prop']) await fuzzer.request('joined', { type: 'join', id: `j-${room}`, room });
      const answers = new Answers(fuzzer);
      const roundsBefore = bystander.rounds;
      // Real people and the bystander's own room: the fuzzer may invite, kick, DM, ask about and
      // write into them (it is no moderator there, so the bystander keeps its room).
      const ids = [fuzzer.welcome.user.id, ...people.map((p) => p.welcome.user.id)];
      const known = {
        user: ids.map((id) => JSON.stringify(id)),
        users: [JSON.stringify(ids), JSON.stringify(ids.slice(1))],
        room: [JSON.stringify('canary')],
      };
      await check(
        fc.asyncProperty(frames({ types: CLIENT_FRAME_TYPES, max: 8, known }), async (texts) => {
          // Back in its rooms (a batch may have left them), so the next batch reaches the handlers.
          for (const room of ['general', 'prop']) await fuzzer.request('joined', { type: 'join', id: nextId(), room });
          const expected = sendBatch(fuzzer, texts, true);
          const problems = await checkAnswers(answers, expected);
          expect(answers.closed, 'the connection is still open').toBeUndefined();
          expect(problems).toEqual([]);
          serverAlive();
          expect(bystander.failure, 'the bystander').toBeUndefined();
        }),
        150,
      );
      // No second answer came late to any frame of any batch.
      await fuzzer.request('pong', { type: 'ping', id: nextId() });
      const repeated = [...answers.byId].filter(([id, got]) => isOurs(id) && got.length !== 1);
      expect(repeated.map(([id, got]) => `${id}: ${got.map((f) => f.type).join(', ')}`)).toEqual([]);
      // The bystander kept going the whole time.
      await waitUntil(() => bystander.rounds > roundsBefore + 3, { what: 'bystander rounds' });
    },
    budget,
  );

  it(
    'before hello: not_ready (or pong, or the decoder’s code) to each frame; a refused hello closes as documented',
    async () => {
      const withoutHello = CLIENT_FRAME_TYPES.filter((t) => t !== 'hello');
      const hello = fc.option(frameText('hello', { maxHuge: 200 }), { nil: undefined });
      await check(
        fc.asyncProperty(frames({ types: withoutHello, max: 5 }), hello, async (texts, helloText) => {
          const c = await RawClient.open(server.wsUrl);
          opened.push(c);
          try {
            const answers = new Answers(c);
            // A `hello` (any type value may be "hello") ends the batch: it is checked last, below.
            const problems = await checkAnswers(
              answers,
              sendBatch(
                c,
                texts.filter((t) => !isHello(t)),
                false,
              ),
            );
            expect(answers.closed, 'the connection is still open').toBeUndefined();
            expect(problems).toEqual([]);
            if (helloText !== undefined) await checkHello(c, answers, helloText);
          } finally {
            c.close();
          }
        }),
        30,
      );
    },
    budget,
  );
});

/** Whether the server reads `text` as a hello (accepted or refused). */
function isHello(text: string): boolean {
  const decoded = decodeClientFrame(Buffer.from(text, 'utf8').toString('utf8'));
  return decoded.ok ? decoded.frame.type === 'hello' : decoded.type === 'hello';
}

/**
 * A hello with any fields: a welcome, or one documented error and a close with 4400 or 4401.
 * (With a `type` that is not "hello" it is just another frame: answered, the connection open.)
 */
async function checkHello(c: RawClient, answers: Answers, text: string): Promise<void> {
  if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) {
    // Past the frame limit: closed with 1009, as documented (docs/protocol.md, _Limits_).
    c.sendRaw(text);
    expect((await withDeadline(c.closed, 10_000, 'the close of a frame too big')).code).toBe(CLOSE.too_big);
    return;
  }
  if (!isHello(text)) {
    expect(await checkAnswers(answers, sendBatch(c, [text], false))).toEqual([]);
    expect(answers.closed, 'the connection is still open').toBeUndefined();
    return;
  }
  const start = c.frames.length;
  c.sendRaw(text);
  const outcome = await Promise.race([
    c.next('welcome', () => true, 10_000).then(() => 'welcome' as const),
    c.closed.then(({ code }) => code),
  ]);
  if (outcome === 'welcome') return;
  const errors = c.frames.slice(start).filter((f): f is ErrorFrame => f.type === 'error');
  expect(errors.length, `one error before the close, for ${text.slice(0, 200)}`).toBe(1);
  const [error] = errors as [ErrorFrame];
  expect(DOCUMENTED.has(error.code) && !NEVER.has(error.code), error.code).toBe(true);
  const stop: number[] = [CLOSE.rejected, CLOSE.unsupported_protocol];
  expect(stop, `close code after ${error.code}`).toContain(outcome);
}

describe('regressions found by the properties', () => {
  it('the frames of issue 10 finding 2 are answered and leave the connection open', async () => {
    const c = await RawClient.open(server.wsUrl);
    opened.push(c);
    const answers = new Answers(c);
    const deep = `{"type":${'['.repeat(5_000)}${']'.repeat(5_000)},"id":"${ID_SLOT}"}`;
    const problems = await checkAnswers(
      answers,
      sendBatch(c, [`{"type":{"toString":1},"id":"${ID_SLOT}"}`, deep, '{"type":{"toString":1}}'], false),
    );
    expect(problems).toEqual([]);
    expect(answers.closed).toBeUndefined();
    serverAlive();
  });
});
