/**
 * Issue 10, finding 3: a peer that stops reading but keeps sending must not grow the server's
 * memory, and a peer that never answers pings must not stay connected.
 *
 * The stall: each attacker joins a big room, stops reading its socket, then re-joins with
 * `after` + epoch. The replay pages fill the kernel's buffers, then the server's queue past half
 * its limit (a page is under half the limit, so it never overflows): the replay waits for a
 * drain that never comes. Then it sends valid 60 KB frames as fast as TCP lets it.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/protocol/index.ts';
import { openSqlite } from '../../src/server/store/sqlite/sqlite-store.ts';
import { seedBigRoom } from '../support/history-seed.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

const BIG = 'big';
/** 6,000 events of about 2 KB: ≈ 12 MB of replay, more than the kernel and the queue hold. */
const EVENTS = 6_000;
/** A replay page (200 events, ≈ 420 KB) is under half of this, so a page never overflows it. */
const MAX_QUEUED = 1024 * 1024;
const DRAIN_TIMEOUT_MS = 3_000;
/** The server's grace for a close handshake before it cuts the socket (connection.ts). */
const CLOSE_GRACE_MS = 2_000;
const ATTACKERS = 4;
/** Frames each attacker tries to send once stalled: 1,000 × 60 KB = 60 MB each. */
const FRAMES = 1_000;
const FRAME_BODY = 'x'.repeat(60_000);
/**
 * The server's anonymous RSS may grow by at most this while four attackers push 240 MB at it.
 * The four replays alone account for about 45 MB (4 MB each in the kernel, up to 1 MiB queued,
 * JSON of the pages); before the fix the frames were kept on top: +145 MB with 400 each.
 */
const RSS_BOUND_MB = 80;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Sends `count` frames, at most 8 not yet handed to the kernel; stops when the socket closes. */
function pump(ws: WebSocket, count: number, frame: () => string): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let inFlight = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(sent);
    };
    const next = (): void => {
      while (!done && inFlight < 8 && sent < count) {
        if (ws.readyState !== WebSocket.OPEN) return finish();
        inFlight++;
        sent++;
        ws.send(frame(), (err) => {
          inFlight--;
          if (err) return finish();
          if (sent >= count && inFlight === 0) return finish();
          next();
        });
      }
    };
    ws.once('close', finish);
    next();
  });
}

describe('a peer that stops reading but keeps sending', () => {
  let server: TestServer;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-stalled-'));
    await seedBigRoom(dataDir, { room: BIG, count: EVENTS, end: Date.now(), span: 3_600_000 });
    const db = openSqlite(join(dataDir, 'parley.db'));
    // ≈ 2 KB bodies, so the replay is big without a slow seed.
    db.prepare(`UPDATE events SET body = body || ' ' || hex(zeroblob(1000)) WHERE room = ?`).run(BIG);
    db.close();
    server = await startServer({
      // A real process: the server's own memory is read from /proc/<pid>.
      process: true,
      dataDir,
      args: [
        '--max-queued-bytes',
        String(MAX_QUEUED),
        '--drain-timeout-ms',
        String(DRAIN_TIMEOUT_MS),
        '--default-rooms',
        'general',
      ],
    });
  }, 30_000);

  afterAll(() => server?.dispose());

  it('keeps server memory bounded, closes each stalled socket within the drain deadline, and serves others meanwhile', async () => {
    const normal = await RawClient.connect(server.wsUrl, 'normal');
    await normal.request('joined', { type: 'join', id: 'j', room: 'general' });

    const attackers = await Promise.all(
      // Uncompressed: the stall needs the replay to fill the kernel's buffers (compressed floods:
      // test/server/deflate.test.ts).
      Array.from({ length: ATTACKERS }, (_, i) =>
        RawClient.connect(server.wsUrl, `stalled${i}`, undefined, { perMessageDeflate: false }),
      ),
    );
    const epochs = await Promise.all(
      attackers.map(async (a) => (await a.request('joined', { type: 'join', id: 'j0', room: BIG })).room.epoch),
    );
    const before = await rssMb(server.pid());
    let peak = before;
    const sampler = setInterval(() => {
      rssMb(server.pid()).then(
        (mb) => (peak = Math.max(peak, mb)),
        () => undefined,
      );
    }, 50);

    // The normal client keeps asking meanwhile; every answer must come.
    let attacking = true;
    const latencies: number[] = [];
    const probing = (async () => {
      for (let n = 0; attacking; n++) {
        const t0 = performance.now();
        await normal.request('pong', { type: 'ping', id: `p${n}` });
        latencies.push(performance.now() - t0);
        // Paced, not synchronised: a probe every 20 ms or so is plenty.
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const startedAt = performance.now();
    const closedAt: number[] = [];
    const codes: number[] = [];
    const sends = attackers.map((a, i) => {
      a.ws.pause();
      a.ws.once('close', (code) => {
        closedAt[i] = performance.now() - startedAt;
        codes[i] = code;
      });
      a.sendJson({ type: 'join', id: 'j1', room: BIG, after: 1, epoch: epochs[i] });
      let n = 0;
      return pump(a.ws, FRAMES, () =>
        JSON.stringify({ type: 'send', id: `s${i}-${n++}`, room: BIG, kind: 'text', body: FRAME_BODY }),
      );
    });

    const report = (): string =>
      `stalled readers: server RSS ${before.toFixed(0)} MB → peak ${peak.toFixed(0)} MB ` +
      `(+${(peak - before).toFixed(1)}); closed at ${closedAt.map((t) => Math.round(t)).join(', ')} ms ` +
      `with ${codes.join(', ')}; probe ${latencies.length} round trips, worst ${Math.round(latencies.reduce((a, b) => Math.max(a, b), 0))} ms`;
    try {
      await waitUntil(() => closedAt.filter((t) => t !== undefined).length === ATTACKERS, {
        timeoutMs: DRAIN_TIMEOUT_MS + CLOSE_GRACE_MS + 10_000,
        intervalMs: 50,
        what: 'every stalled socket to be closed',
      });
      await withDeadline(Promise.all(sends), 5_000, 'the attackers to stop sending');
      attacking = false;
      await withDeadline(probing, 10_000, 'the probe to finish');
      expect(peak - before).toBeLessThan(RSS_BOUND_MB);
      for (const code of codes) expect([4001, 1006]).toContain(code);
      // The drain deadline, not something else, ended each of them.
      expect(server.output().match(/drain deadline passed/g)?.length).toBe(ATTACKERS);
      expect(latencies.length).toBeGreaterThan(3);
    } finally {
      attacking = false;
      clearInterval(sampler);
      console.log(report());
      for (const a of attackers) a.ws.terminate();
      normal.close();
    }
  }, 40_000);
});

describe('liveness means answering pings', () => {
  const HEARTBEAT_MS = 300;
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ args: ['--heartbeat-ms', String(HEARTBEAT_MS)] });
  });

  afterAll(() => server?.dispose());

  it('cuts a peer that keeps sending frames but never answers pings, after two heartbeat intervals', async () => {
    const mute = new WebSocket(server.wsUrl, { autoPong: false });
    const polite = new WebSocket(server.wsUrl);
    const frames: ServerFrame[] = [];
    mute.on('message', (d) => frames.push(JSON.parse(String(d)) as ServerFrame));
    await withDeadline(
      Promise.all([mute, polite].map((ws) => new Promise((r, j) => ws.once('open', r).once('error', j)))),
      5_000,
      'sockets to open',
    );
    const openedAt = performance.now();
    const closed = new Promise<{ code: number; at: number }>((resolve) =>
      mute.once('close', (code) => resolve({ code, at: performance.now() - openedAt })),
    );
    let pings = 0;
    mute.on('ping', () => pings++);
    mute.send(JSON.stringify({ type: 'hello', v: 1, nick: 'mute' }));
    polite.send(JSON.stringify({ type: 'hello', v: 1, nick: 'polite' }));
    // A frame every 50 ms: under the old rule any frame counted as an answer.
    let n = 0;
    const chatter = setInterval(() => {
      if (mute.readyState === WebSocket.OPEN) mute.send(JSON.stringify({ type: 'ping', id: `p${n++}` }));
    }, 50);
    try {
      const { code, at } = await withDeadline(closed, 2 * HEARTBEAT_MS + 5_000, 'the mute peer to be cut');
      expect(code).toBe(1006);
      expect(pings).toBeGreaterThanOrEqual(1);
      // It was answered meanwhile: the frames reached the server, they just do not count.
      expect(frames.some((f) => f.type === 'pong')).toBe(true);
      expect(at).toBeGreaterThanOrEqual(HEARTBEAT_MS);
      // The peer that answers pings (ws does, as browsers do) is still there after many more beats.
      const beats = new Promise<void>((resolve) => {
        let seen = 0;
        polite.on('ping', () => ++seen >= 4 && resolve());
      });
      await withDeadline(beats, 10 * HEARTBEAT_MS + 5_000, 'four more pings to the polite peer');
      expect(polite.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(chatter);
      mute.terminate();
      polite.terminate();
    }
  });
});
