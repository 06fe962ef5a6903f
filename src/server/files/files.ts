/**
 * The upload and download routes (docs/protocol.md, _Files_; docs/security.md, _Uploads_):
 * POST /api/rooms/:room/files stores a member's upload, GET /api/files/:id mints signed links
 * for a member, GET /api/files/:id/{content,thumb} serves the bytes to a signed link's holder
 * while they are still a member.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import {
  fileIdSchema,
  roomNameSchema,
  type BadRequestReason,
  type ErrorCode,
  type UserRef,
} from '../../protocol/index.ts';
import type { AccessTokens } from '../auth/tokens.ts';
import { ipLimitKey } from '../limits/ip-key.ts';
import { takeAll, type Limiter, type Limiters } from '../limits/limiter.ts';
import { MemoryLimiters } from '../limits/memory-limiter.ts';
import type { Logger } from '../log.ts';
import type { ServerOptions } from '../options.ts';
import type { Store, StoredFile } from '../store/store.ts';
import { clientIp } from '../gateway/upgrade-guard.ts';
import { httpError, sendJson } from '../http/respond.ts';
import { cleanFileName, toFileRef } from './file-ref.ts';
import { httpUser } from './http-identity.ts';
import { probeImage, THUMB_TYPE, type ImageInfo } from './images.ts';
import type { FileLinks } from './links.ts';
import { IMAGE_TYPES, INLINE_TYPES, SNIFF_BYTES, sniffType } from './sniff.ts';
import { thumbKey, type FileStorage } from './storage.ts';
import { BodyAborted, BodyTimeout, discardRest, TooLarge, UploadBody } from './upload-body.ts';

export interface FilesDeps {
  readonly store: Pick<Store, 'getRoom' | 'isMember' | 'createFile' | 'getFile' | 'findSession' | 'getAccount'>;
  readonly storage: FileStorage;
  readonly links: FileLinks;
  readonly tokens: AccessTokens;
  readonly options: ServerOptions;
  readonly log: Logger;
  /** Where the upload buckets live; by default in this process. */
  readonly limiters?: Limiters;
}

/** What the upload and link routes answer. URLs are paths on this server. */
export interface FileLinksBody {
  readonly url: string;
  readonly thumbUrl?: string;
  /** When the links stop working (ms since the epoch); ask again before. */
  readonly expiresAt: number;
}

/** The headers every file download carries: it can never run anything or be sniffed as something else. */
export const FILE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "sandbox; default-src 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export class Files {
  readonly #d: FilesDeps;
  /** Uploads per user, and per client IP too: with guests on, one address can make many users. */
  readonly #limits: Limiter;
  readonly #ipLimits: Limiter;
  readonly #types: ReadonlySet<string>;

  constructor(deps: FilesDeps) {
    this.#d = deps;
    const { options, limiters = new MemoryLimiters() } = deps;
    this.#limits = limiters.bucket('upload-user', options.userUploadsPerMin / 60, options.userUploadsBurst);
    this.#ipLimits = limiters.bucket('upload-ip', options.ipUploadsPerMin / 60, options.ipUploadsBurst);
    this.#types = new Set(deps.options.uploadTypes.map((t) => t.toLowerCase()));
  }

  /** What a 415 names as allowed, so clients can say which files may be shared. */
  #allowed(): { allowed: string[] } {
    return { allowed: [...this.#types] };
  }

  async upload(req: IncomingMessage, res: ServerResponse, roomName: string, url: URL): Promise<void> {
    const { store, storage, options } = this.#d;
    const max = options.maxUploadBytes;
    // Every stage below runs under one deadline, so the client always gets an answer.
    const deadline = new Deadline(options.uploadTimeoutMs);
    let body: UploadBody | undefined;
    let id: string | undefined;
    const refuse = (code: ErrorCode, message?: string, extra?: Record<string, unknown>): void => {
      answerError(res, code, message, extra);
      if (body) body.discard();
      else discardRest(req);
    };
    try {
      const user = await deadline.race(this.#user(req));
      if (!user) return refuse('token_invalid', 'Send Authorization: Bearer <access token> or Session <session token>');
      if (!v.is(roomNameSchema, roomName)) return refuse('room_invalid');
      const room = await store.getRoom(roomName);
      const member = room !== undefined && (await store.isMember(roomName, user.id));
      // A private room answers a non-member exactly as a missing one (docs/security.md).
      if (!room || (room.visibility === 'private' && !member)) {
        return refuse('room_not_found', `Room "${roomName}" does not exist`);
      }
      if (!member) return refuse('not_member', `Join "${roomName}" before uploading to it`);
      // Both buckets are checked before either is charged, so a refusal costs nothing.
      const ip = ipLimitKey(clientIp(req, options.trustProxy));
      const charge = takeAll([
        [this.#limits, user.id],
        [this.#ipLimits, ip],
      ]);
      const wait = typeof charge === 'number' ? charge : await deadline.race(charge);
      if (wait > 0) {
        res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
        return refuse('rate_limited', `Too many uploads; retry in ${wait} ms`, { retryAfterMs: wait });
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > max)
        return refuse('file_too_large', tooLarge(max), { maxBytes: max });

      const reader = new UploadBody(req, max, options.httpBodyTimeoutMs);
      body = reader;
      deadline.signal.addEventListener('abort', () => reader.fail(deadline.signal.reason as Error), { once: true });
      const { head } = await reader.head(SNIFF_BYTES);
      if (head.length === 0) return refuse('bad_request', 'The file is empty');
      const type = await deadline.race(sniffType(head));
      if (!this.#types.has(type)) {
        return refuse('file_type_not_allowed', `Files of type ${type} may not be uploaded`, this.#allowed());
      }

      id = nanoid();
      const size = await deadline.race(storage.put(id, reader.stream(), deadline.signal));
      let image: ImageInfo | undefined;
      if (IMAGE_TYPES.has(type)) {
        image = await deadline.race(this.#thumbnail(id, deadline.signal));
        if (!image) {
          await storage.delete(id);
          return refuse(
            'file_type_not_allowed',
            `The file looks like ${type} but is not a readable image`,
            this.#allowed(),
          );
        }
      }
      const file: StoredFile = {
        id,
        name: cleanFileName(url.searchParams.get('name')),
        size,
        type,
        ...(image ? { width: image.width, height: image.height, thumb: true } : {}),
        room: roomName,
        uploaderId: user.id,
        createdAt: Date.now(),
      };
      // Acknowledged only once bytes and metadata are both stored.
      await store.createFile(file);
      answer(res, 201, { file: toFileRef(file), ...this.#linksFor(file, user.id) });
    } catch (err) {
      if (id !== undefined) await Promise.all([storage.delete(id), storage.delete(thumbKey(id))]);
      this.#failed(err, req, res, body, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** Answers a failed upload; throws what is neither the client's doing nor a deadline (the route's 500). */
  #failed(
    err: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    body: UploadBody | undefined,
    deadline: Deadline,
  ): void {
    const { log, options } = this.#d;
    if (err instanceof TooLarge) {
      answerError(res, 'file_too_large', tooLarge(err.limit), { maxBytes: err.limit });
      body?.discard();
      return;
    }
    if (err instanceof BodyTimeout || deadline.signal.aborted) {
      const ms = err instanceof BodyTimeout ? err.ms : options.uploadTimeoutMs;
      // The body had not all arrived: the client is too slow (408). Else the server was (500).
      const slowClient = !body?.ended;
      log.info({ ms, stage: slowClient ? 'receiving' : 'storing' }, 'upload timed out');
      res.setHeader('Connection', 'close');
      const slow = `The upload sent nothing for ${ms} ms or took too long`;
      if (slowClient) answerError(res, 'bad_request', slow, {}, 'timeout');
      else answerError(res, 'internal', 'The upload could not be stored in time');
      return;
    }
    if (err instanceof BodyAborted || !req.socket || req.socket.destroyed) {
      log.debug('upload aborted by the client');
      return;
    }
    throw err;
  }

  /** Measures the stored image and stores its thumbnail; undefined when it does not decode. */
  async #thumbnail(id: string, signal: AbortSignal): Promise<ImageInfo | undefined> {
    const { storage, log } = this.#d;
    const stored = await storage.get(id);
    if (!stored) return undefined;
    try {
      const image = await probeImage(stored.stream);
      await storage.put(thumbKey(id), Readable.from([image.thumb]), signal);
      // Past the deadline the upload was answered and removed: leave no orphan thumbnail.
      if (signal.aborted) await storage.delete(thumbKey(id));
      return image;
    } catch (err) {
      stored.stream.destroy();
      await storage.delete(thumbKey(id));
      log.debug({ err: (err as Error).message }, 'image refused');
      return undefined;
    }
  }

  /** GET /api/files/:id: the file's metadata and signed links, for a member of its room. */
  async describe(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const user = await this.#user(req);
    if (!user) return answerError(res, 'token_invalid', 'Send Authorization: Bearer <access token> or Session <token>');
    const file = await this.#visibleFile(id, user.id);
    if (!file) return answerError(res, 'file_not_found');
    answer(res, 200, { file: toFileRef(file), ...this.#linksFor(file, user.id) });
  }

  /** GET /api/files/:id/content and /thumb with a signed link. */
  async download(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    variant: 'content' | 'thumb',
    url: URL,
  ): Promise<void> {
    const { links, storage, log } = this.#d;
    const userId = links.verify(id, url.searchParams);
    if (!userId) return answerError(res, 'link_invalid');
    // Membership now, not when the link was made: a kicked or banned user's links stop working.
    const file = await this.#visibleFile(id, userId);
    if (!file || (variant === 'thumb' && !file.thumb)) return answerError(res, 'file_not_found');
    const stored = await storage.get(variant === 'thumb' ? thumbKey(id) : id);
    if (!stored) {
      log.warn({ file: id, variant }, 'file metadata without bytes');
      return answerError(res, 'file_not_found');
    }
    const type = variant === 'thumb' ? THUMB_TYPE : file.type;
    const name = variant === 'thumb' ? `${file.name}.thumb.webp` : file.name;
    const expiresIn = Math.floor((Number(url.searchParams.get('e')) * 1000 - Date.now()) / 1000);
    res.writeHead(200, {
      ...FILE_RESPONSE_HEADERS,
      'Content-Type': type.startsWith('text/') ? `${type}; charset=utf-8` : type,
      'Content-Length': String(stored.size),
      // Only raster images are shown in the page; everything else is a download.
      'Content-Disposition': `${INLINE_TYPES.has(type) ? 'inline' : 'attachment'}; ${dispositionName(name)}`,
      'Cache-Control': `private, max-age=${Math.max(0, Math.min(expiresIn, 3600))}`,
    });
    if (req.method === 'HEAD') {
      stored.stream.destroy();
      res.end();
      return;
    }
    await pipeline(stored.stream, res).catch((err: unknown) =>
      log.debug({ err: (err as Error).message, file: id }, 'download interrupted'),
    );
  }

  #user(req: IncomingMessage): Promise<UserRef | undefined> {
    const { tokens, store, options } = this.#d;
    return httpUser(req, tokens, store, options.guests);
  }

  /** The file when `userId` is a member of its room now; else undefined (as for a missing file). */
  async #visibleFile(id: string, userId: string): Promise<StoredFile | undefined> {
    if (!v.is(fileIdSchema, id)) return undefined;
    const file = await this.#d.store.getFile(id);
    return file && (await this.#d.store.isMember(file.room, userId)) ? file : undefined;
  }

  #linksFor(file: StoredFile, userId: string): FileLinksBody {
    const { query, expiresAt } = this.#d.links.sign(file.id, userId);
    const base = `/api/files/${file.id}`;
    return {
      url: `${base}/content?${query}`,
      ...(file.thumb ? { thumbUrl: `${base}/thumb?${query}` } : {}),
      expiresAt,
    };
  }
}

const answer = sendJson;

/** `{error: code, message, ...extra}` with the catalogue's status for `code` (http/respond.ts). */
export function answerError(
  res: ServerResponse,
  code: ErrorCode,
  message?: string,
  extra: Record<string, unknown> = {},
  reason?: BadRequestReason,
): void {
  httpError(res, code, { message, extra, reason });
}

const tooLarge = (max: number): string => `The file is larger than ${max} bytes`;

/** A deadline for a whole upload: `signal` aborts with a BodyTimeout once it passes. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.#timer = setTimeout(() => this.#controller.abort(new BodyTimeout(ms)), ms);
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `work`, or a rejection with the deadline's reason once it passes (the work is left to finish). */
  race<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.#controller;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

/** `filename="<ASCII fallback>"; filename*=UTF-8''<exact>` (RFC 6266), so no name can break the header. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename="${ascii}"; filename*=UTF-8''${exact}`;
}
