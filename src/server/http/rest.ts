/** The read-only HTTP surface: health, public rooms and their history, and the built web app. */
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import * as v from 'valibot';
import { LIMITS, roomNameSchema } from '../../protocol/index.ts';
import type { ServerContext } from '../core/context.ts';
import { httpError, sendJson } from './respond.ts';
import type { Handler } from './router.ts';

export interface RestRoutes {
  readonly health: Handler;
  readonly rooms: Handler;
  readonly history: Handler;
  /** Any other path under /api/. */
  readonly noSuchApi: Handler;
  /** The web app: its files, and index.html for any other path (the app routes itself). */
  readonly web: Handler;
}

export function restRoutes(ctx: ServerContext): RestRoutes {
  const { store } = ctx;
  const { webDir } = ctx.options;
  const serveWeb =
    webDir && existsSync(webDir) ? sirv(webDir, { single: true, etag: true, gzip: false, dev: false }) : undefined;
  const startedAt = Date.now();

  return {
    health: (_req, res) => {
      sendJson(res, 200, { status: 'ok', connections: ctx.connections.size, uptimeMs: Date.now() - startedAt });
    },
    // No identity over this route: public rooms only (private ones are listed by the `rooms` frame).
    rooms: async (_req, res) => sendJson(res, 200, { rooms: await store.listRooms() }),
    history: async (_req, res, { url, params }) => {
      // Malformed percent-encoding is bad input (400), not a server error.
      const name = safeDecode(params['room'] ?? '');
      if (!v.is(roomNameSchema, name)) return httpError(res, 'room_invalid');
      // No identity over this route: a private room answers exactly like a missing one.
      const room = await store.getRoom(name);
      if (room?.visibility !== 'public') {
        return httpError(res, 'room_not_found', { message: `Room "${name}" does not exist` });
      }
      const before = seqParam(url.searchParams.get('before'));
      const after = seqParam(url.searchParams.get('after'));
      const asked = seqParam(url.searchParams.get('limit')) ?? LIMITS.historyDefaultLimit;
      if (Number.isNaN(before) || Number.isNaN(after) || Number.isNaN(asked) || asked < 1) {
        return httpError(res, 'bad_request', {
          message: 'before/after must be non-negative integers and limit a positive integer',
        });
      }
      // A larger limit is clamped, not refused: `more` tells the caller to read on.
      const limit = Math.min(asked, LIMITS.historyMaxLimit);
      const page = await store.history(name, { before, after, limit });
      const head = Math.max(room.head, page.events.at(-1)?.seq ?? 0);
      sendJson(res, 200, { room: name, ...page, head });
    },
    noSuchApi: (_req, res) => httpError(res, 'not_found', { message: 'No such API route' }),
    web: serveWeb
      ? (req, res) => serveWeb(req, res, () => httpError(res, 'not_found', { message: 'No such page' }))
      : (_req, res) => httpError(res, 'not_found', { message: 'The web app is not built; run npm run build:web' }),
  };
}

const seqParam = (s: string | null): number | undefined => {
  if (s === null) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 0 ? n : Number.NaN;
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}
