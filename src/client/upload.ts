/**
 * Files over HTTP, next to the WebSocket: uploads with progress (XMLHttpRequest in browsers,
 * fetch with a counted stream in Node) and signed download links, cached until shortly before
 * they expire. Routes: docs/protocol.md, _Files_.
 */
import type { FileRef } from '../protocol/index.ts';
import { ClientError } from './errors.ts';

export interface UploadOptions {
  /** The name others see; default the File's own name, else "file". */
  name?: string;
  /** Called as bytes go out, with the bytes sent so far and the total. */
  onProgress?: (sent: number, total: number) => void;
  /** Aborting rejects the upload with code `aborted`; nothing is kept on the server. */
  signal?: AbortSignal;
}

/** Signed links to a file's bytes, absolute URLs usable in `<img src>` and `<a href>`. */
export interface FileLinks {
  readonly url: string;
  /** Images only. */
  readonly thumbUrl?: string;
  /** ms since the epoch; the client asks for new links before then. */
  readonly expiresAt: number;
}

export interface Uploaded {
  readonly file: FileRef;
  readonly links: FileLinks;
}

/** Where the HTTP routes are and how to say who we are. */
export interface HttpTarget {
  /** e.g. http://localhost:8080 (no trailing slash). */
  readonly base: string;
  /** The Authorization header value: `Bearer <access token>` or `Session <session token>`. */
  authorization(): Promise<string>;
}

/** Links are renewed this long before they expire. */
const RENEW_BEFORE_MS = 60_000;
/** Node: the body is handed to fetch in slices of this size, each counted as sent. */
const SLICE_BYTES = 64 * 1024;

/** The HTTP origin (and path prefix) of a WebSocket URL: ws://h:p/ws → http://h:p. */
export function httpBase(wsUrl: string): string {
  const u = new URL(wsUrl);
  const scheme = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  return `${scheme}//${u.host}${u.pathname.replace(/\/ws\/?$/, '').replace(/\/$/, '')}`;
}

export function sizeOf(data: Blob | Uint8Array): number {
  return data instanceof Uint8Array ? data.byteLength : data.size;
}

function nameOf(data: Blob | Uint8Array, name: string | undefined): string {
  if (name) return name;
  const own = (data as { name?: unknown }).name;
  return typeof own === 'string' && own ? own : 'file';
}

interface LinksBody {
  url: string;
  thumbUrl?: string;
  expiresAt: number;
}

function toLinks(base: string, body: LinksBody): FileLinks {
  return {
    url: new URL(body.url, `${base}/`).href,
    ...(body.thumbUrl ? { thumbUrl: new URL(body.thumbUrl, `${base}/`).href } : {}),
    expiresAt: body.expiresAt,
  };
}

/** A non-2xx answer as a ClientError with the server's code and message. */
function httpError(status: number, text: string): ClientError {
  let code = 'http_error';
  let message = `The server answered HTTP ${status}`;
  const details: { retryAfterMs?: number; maxBytes?: number; allowed?: string[] } = {};
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown } & Record<string, unknown>;
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
    if (typeof body['retryAfterMs'] === 'number') details.retryAfterMs = body['retryAfterMs'];
    // 413 and 415 name the limit and the allowed types, for a message in the user's words.
    if (typeof body['maxBytes'] === 'number') details.maxBytes = body['maxBytes'];
    const allowed = body['allowed'];
    if (Array.isArray(allowed)) details.allowed = allowed.filter((t): t is string => typeof t === 'string');
  } catch {
    // not JSON (a proxy's page): keep the generic message
  }
  return Object.assign(new ClientError(code, message, status === 429 || status >= 500), details);
}

function parseUploaded(base: string, status: number, text: string): Uploaded {
  if (status !== 201) throw httpError(status, text);
  const body = JSON.parse(text) as LinksBody & { file: FileRef };
  return { file: body.file, links: toLinks(base, body) };
}

const aborted = (): ClientError => new ClientError('aborted', 'The upload was cancelled', false);

export async function uploadFile(
  target: HttpTarget,
  room: string,
  data: Blob | Uint8Array,
  opts: UploadOptions = {},
): Promise<Uploaded> {
  if (opts.signal?.aborted) throw aborted();
  const url = `${target.base}/api/rooms/${encodeURIComponent(room)}/files?name=${encodeURIComponent(nameOf(data, opts.name))}`;
  const auth = await target.authorization();
  if (opts.signal?.aborted) throw aborted();
  return typeof XMLHttpRequest === 'function'
    ? viaXhr(target.base, url, auth, data, opts)
    : viaFetch(target.base, url, auth, data, opts);
}

/** Browsers: XMLHttpRequest is the one API that reports upload progress. */
function viaXhr(base: string, url: string, auth: string, data: Blob | Uint8Array, opts: UploadOptions) {
  const total = sizeOf(data);
  return new Promise<Uploaded>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = (): void => xhr.abort();
    const done = (): void => opts.signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', auth);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, total);
    xhr.onload = () => {
      done();
      try {
        resolve(parseUploaded(base, xhr.status, xhr.responseText));
      } catch (err) {
        reject(err instanceof ClientError ? err : new ClientError('bad_response', String(err), false));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new ClientError('network', 'The upload failed: network error', true));
    };
    xhr.onabort = () => {
      done();
      reject(aborted());
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(data as XMLHttpRequestBodyInit);
  });
}

/** Node (and other fetch-only runtimes): stream the body in slices, counting each as it is taken. */
async function viaFetch(
  base: string,
  url: string,
  auth: string,
  data: Blob | Uint8Array,
  opts: UploadOptions,
): Promise<Uploaded> {
  const total = sizeOf(data);
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const slice = bytes.subarray(sent, sent + SLICE_BYTES);
      sent += slice.byteLength;
      controller.enqueue(slice);
      opts.onProgress?.(sent, total);
    },
  });
  let res: Response;
  try {
    // duplex: 'half' is how fetch streams a request body (not yet in TypeScript's RequestInit).
    const init = {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' },
      body,
      duplex: 'half',
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    res = await fetch(url, init as RequestInit);
  } catch (err) {
    if (opts.signal?.aborted) throw aborted();
    throw new ClientError('network', `The upload failed: ${err instanceof Error ? err.message : String(err)}`, true);
  }
  return parseUploaded(base, res.status, await res.text());
}

/** Signed links per file id, fetched once and renewed shortly before they expire. */
export class LinkCache {
  readonly #target: HttpTarget;
  readonly #links = new Map<string, FileLinks>();
  readonly #pending = new Map<string, Promise<FileLinks>>();

  constructor(target: HttpTarget) {
    this.#target = target;
  }

  remember(fileId: string, links: FileLinks): void {
    this.#links.set(fileId, links);
  }

  get(fileId: string, now = Date.now()): Promise<FileLinks> {
    const known = this.#links.get(fileId);
    if (known && known.expiresAt - now > RENEW_BEFORE_MS) return Promise.resolve(known);
    let pending = this.#pending.get(fileId);
    if (!pending) {
      pending = this.#fetch(fileId).finally(() => this.#pending.delete(fileId));
      this.#pending.set(fileId, pending);
    }
    return pending;
  }

  async #fetch(fileId: string): Promise<FileLinks> {
    const { base } = this.#target;
    const res = await fetch(`${base}/api/files/${encodeURIComponent(fileId)}`, {
      headers: { Authorization: await this.#target.authorization() },
    }).catch((err: unknown) => {
      throw new ClientError('network', `Could not reach the server: ${String(err)}`, true);
    });
    const text = await res.text();
    if (res.status !== 200) throw httpError(res.status, text);
    const links = toLinks(base, JSON.parse(text) as LinksBody);
    this.#links.set(fileId, links);
    return links;
  }
}
