/**
 * The one HTTP router (src/server/http/router.ts) and the route table (http/routes.ts): paths and
 * their parameters, 405 with `Allow`, 404 for an unknown path, a failing handler answered 500,
 * every route of a real node reachable, and every error body naming a catalogue code answered
 * with the status the catalogue gives it (HTTP_STATUS in src/protocol/codes.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_REQUEST_STATUS,
  ERROR_CODES,
  ERRORS,
  HTTP_STATUS,
  httpStatus,
  type ErrorCode,
} from '../../src/protocol/index.ts';
import type { AuthRoutes } from '../../src/server/auth/routes.ts';
import type { ServerContext } from '../../src/server/core/context.ts';
import type { Files } from '../../src/server/files/files.ts';
import { sendJson } from '../../src/server/http/respond.ts';
import { compilePath, createRouter, type Route } from '../../src/server/http/router.ts';
import { httpRoutes, READ_ONLY } from '../../src/server/http/routes.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { createLogger } from '../../src/server/log.ts';
import { rawExchange } from '../security/upgrade.ts';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | undefined;
}

async function ask(base: string, method: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { ...init, method });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  return { status: res.status, headers: res.headers, body };
}

/** An error answer is `{error, message}` with a catalogue code and the status the catalogue maps it to. */
function expectCatalogued(answer: Answer, code: ErrorCode): void {
  expect(answer.body?.['error']).toBe(code);
  expect(ERROR_CODES).toContain(answer.body?.['error']);
  expect(typeof answer.body?.['message']).toBe('string');
  expect(answer.status).toBe(httpStatus(code));
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

describe('the catalogue', () => {
  it('maps only catalogue codes, to 4xx and 5xx statuses', () => {
    for (const [code, status] of Object.entries(HTTP_STATUS)) {
      expect(ERRORS).toHaveProperty(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(httpStatus('bad_request')).toBe(400);
    expect(httpStatus('bad_request', 'timeout')).toBe(408);
    expect(httpStatus('bad_request', 'too_large')).toBe(413);
    expect(httpStatus('bad_request', 'media_type')).toBe(415);
    expect(httpStatus('not_found')).toBe(404);
    expect(httpStatus('method_not_allowed')).toBe(405);
    // A code with no HTTP meaning of its own is a bad request; a reason only refines bad_request.
    expect(httpStatus('bad_frame')).toBe(400);
    expect(httpStatus('internal', 'timeout')).toBe(500);
    expect(Object.values(BAD_REQUEST_STATUS)).toEqual([408, 413, 415]);
  });
});

describe('compilePath', () => {
  it('matches one segment per :name, the listed choices, and * as anything', () => {
    const files = compilePath('/api/files/:id/:variant(content|thumb)');
    expect(files.exec('/api/files/a1/thumb')?.groups).toEqual({ id: 'a1', variant: 'thumb' });
    expect(files.test('/api/files/a1/other')).toBe(false);
    expect(files.test('/api/files//content')).toBe(false);
    expect(files.test('/api/files/a/b/content')).toBe(false);
    expect(compilePath('/api/rooms/:room/history').exec('/api/rooms/%zz/history')?.groups).toEqual({ room: '%zz' });
    expect(compilePath('/healthz').test('/healthz/')).toBe(false);
    expect(compilePath('/a.b').test('/axb')).toBe(false);
    const api = compilePath('/api/*');
    expect(api.test('/api/')).toBe(true);
    expect(api.test('/api/x/y\nz')).toBe(true);
    expect(api.test('/api')).toBe(false);
  });
});

describe('createRouter', () => {
  let server: Server;
  let base = '';
  const failures: string[] = [];
  const routes: Route[] = [
    { path: '/thing/:id', GET: (_req, res, { params }) => sendJson(res, 200, { id: params['id'] }) },
    {
      path: '/both',
      GET: (_req, res) => sendJson(res, 200, { got: true }),
      POST: (_req, res) => sendJson(res, 201, { posted: true }),
    },
    { path: '/post', POST: (_req, res) => sendJson(res, 201, {}) },
    { path: '/quiet', GET: (_req, res) => sendJson(res, 200, {}), wrongMethod: 'Read only' },
    {
      path: '/fails',
      GET: () => {
        failures.push('fails');
        return Promise.reject(new Error('boom'));
      },
    },
    {
      path: '/fails-late',
      GET: async (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
        await Promise.resolve();
        throw new Error('late');
      },
    },
  ];

  beforeAll(async () => {
    const route = createRouter(createLogger('silent'), routes);
    server = createServer((req, res) => route(req, res, new URL(`http://localhost${req.url ?? '/'}`)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('hands the path parameters to the handler', async () => {
    expect((await ask(base, 'GET', '/thing/x%20y')).body).toEqual({ id: 'x%20y' });
  });

  it('serves HEAD with the GET handler, and a method per handler', async () => {
    const head = await ask(base, 'HEAD', '/thing/1');
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    expect((await ask(base, 'POST', '/both')).status).toBe(201);
    expect((await ask(base, 'GET', '/both')).body).toEqual({ got: true });
  });

  it('answers a method without a handler 405 with Allow', async () => {
    const put = await ask(base, 'PUT', '/both');
    expectCatalogued(put, 'method_not_allowed');
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(put.body?.['message']).toBe('Use GET, POST');
    const get = await ask(base, 'GET', '/post');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.body?.['message']).toBe('Use POST');
    const quiet = await ask(base, 'DELETE', '/quiet');
    expect(quiet.headers.get('allow')).toBe('GET, HEAD');
    expect(quiet.body).toEqual({ error: 'method_not_allowed', message: 'Read only' });
  });

  it('answers a path no route matches 404 not_found', async () => {
    const answer = await ask(base, 'GET', '/nowhere');
    expectCatalogued(answer, 'not_found');
    expect(answer.body).toEqual({ error: 'not_found', message: ERRORS.not_found.message });
    expect((await ask(base, 'POST', '/thing/1/more')).status).toBe(404);
  });

  it('answers a failed handler 500 internal, and cuts one that had begun its answer', async () => {
    const answer = await ask(base, 'GET', '/fails');
    expectCatalogued(answer, 'internal');
    expect(answer.body).toEqual({ error: 'internal', message: 'Internal server error' });
    expect(failures).toEqual(['fails']);
    await expect(fetch(`${base}/fails-late`).then((res) => res.text())).rejects.toThrow();
    // The server goes on.
    expect((await ask(base, 'GET', '/thing/2')).status).toBe(200);
  });
});

describe('the routes of a node', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-router-'));
  let node: ParleyServer;
  let base = '';
  let port = 0;

  beforeAll(async () => {
    node = createParleyServer({
      options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'silent', tokenSecret: 'r'.repeat(32) },
    });
    port = await node.listen();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request that reaches each route of the table, and what it answers. */
  const REACH: Record<string, { method: string; path: string; status: number; init?: RequestInit }> = {
    '/api/config': { method: 'GET', path: '/api/config', status: 200 },
    '/api/auth/:action(register|login|refresh|logout)': {
      method: 'POST',
      path: '/api/auth/logout',
      status: 200,
      init: { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: 'nope' }) },
    },
    '/api/rooms/:room/files': { method: 'POST', path: '/api/rooms/general/files', status: 401 },
    '/api/files/:id': { method: 'GET', path: '/api/files/abc', status: 401 },
    '/api/files/:id/:variant(content|thumb)': { method: 'GET', path: '/api/files/abc/thumb', status: 403 },
    '/healthz': { method: 'GET', path: '/healthz', status: 200 },
    // Off without --metrics or --metrics-token (test/server/metrics.test.ts).
    '/metrics': { method: 'GET', path: '/metrics', status: 404 },
    '/api/rooms': { method: 'GET', path: '/api/rooms', status: 200 },
    '/api/rooms/:room/history': { method: 'GET', path: '/api/rooms/general/history', status: 200 },
    '/api/*': { method: 'GET', path: '/api/nothing/here', status: 404 },
    '/*': { method: 'GET', path: '/some/app/page', status: 404 },
  };

  /** The wrong method for each route, with the Allow header and message it answers. */
  const WRONG: Record<string, { method: string; allow: string; message: string }> = {
    '/api/config': { method: 'POST', allow: 'GET, HEAD', message: 'Use GET' },
    '/api/auth/:action(register|login|refresh|logout)': { method: 'GET', allow: 'POST', message: 'Use POST' },
    '/api/rooms/:room/files': { method: 'GET', allow: 'POST', message: 'Use POST' },
    '/api/files/:id': { method: 'DELETE', allow: 'GET, HEAD', message: 'Use GET, HEAD' },
    '/api/files/:id/:variant(content|thumb)': { method: 'PUT', allow: 'GET, HEAD', message: 'Use GET, HEAD' },
    '/healthz': { method: 'POST', allow: 'GET, HEAD', message: READ_ONLY },
    '/metrics': { method: 'POST', allow: 'GET, HEAD', message: 'Use GET' },
    '/api/rooms': { method: 'DELETE', allow: 'GET, HEAD', message: READ_ONLY },
    '/api/rooms/:room/history': { method: 'PATCH', allow: 'GET, HEAD', message: READ_ONLY },
    '/api/*': { method: 'POST', allow: 'GET, HEAD', message: READ_ONLY },
    '/*': { method: 'OPTIONS', allow: 'GET, HEAD', message: READ_ONLY },
  };

  it('the table lists exactly the routes tested here', () => {
    const ctx = { options: { webDir: null }, store: {}, connections: new Set() } as unknown as ServerContext;
    const paths = httpRoutes(ctx, {} as AuthRoutes, {} as Files).map((r) => r.path);
    expect(paths).toEqual(Object.keys(REACH));
    expect(paths).toEqual(Object.keys(WRONG));
  });

  it.each(Object.entries(REACH))('reaches %s', async (_, { method, path, status, init }) => {
    const answer = await ask(base, method, path, init);
    expect(answer.status).toBe(status);
    if (status >= 400) expectCatalogued(answer, answer.body?.['error'] as ErrorCode);
  });

  it.each(Object.entries(WRONG))('answers 405 with Allow on %s', async (route, { method, allow, message }) => {
    const answer = await ask(base, method, REACH[route]?.path ?? '/');
    expectCatalogued(answer, 'method_not_allowed');
    expect(answer.headers.get('allow')).toBe(allow);
    expect(answer.body).toEqual({ error: 'method_not_allowed', message });
    // Security headers on every answer, refusals too.
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers unknown paths as before: 404 under /api/, the web app (or 404 without one) elsewhere', async () => {
    expect((await ask(base, 'GET', '/api/')).body).toEqual({ error: 'not_found', message: 'No such API route' });
    expect((await ask(base, 'GET', '/api/rooms/')).body).toEqual({ error: 'not_found', message: 'No such API route' });
    expect((await ask(base, 'GET', '/api/files/a/b')).body).toEqual({
      error: 'not_found',
      message: 'No such API route',
    });
    expect((await ask(base, 'GET', '/api/auth/other')).status).toBe(404);
    expect((await ask(base, 'GET', '/nope')).body).toEqual({
      error: 'not_found',
      message: 'The web app is not built; run npm run build:web',
    });
    const head = await ask(base, 'HEAD', '/healthz');
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
  });

  it('answers a request target that does not parse 400 bad_request before any route', async () => {
    const answer = await rawExchange(
      port,
      'GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('{"error":"bad_request","message":"The request target is not a valid path"}');
    expect(answer).toMatch(/content-security-policy: /i);
  });

  it('names a catalogue code with its mapped status in every error body', async () => {
    const json = (body: unknown): RequestInit => ({
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const cases: [Answer, ErrorCode][] = [
      [await ask(base, 'GET', '/api/rooms/Not%20A%20Room!/history'), 'room_invalid'],
      [await ask(base, 'GET', '/api/rooms/missing/history'), 'room_not_found'],
      [await ask(base, 'GET', '/api/rooms/general/history?limit=0'), 'bad_request'],
      [
        await ask(base, 'POST', '/api/auth/login', json({ username: 'nobody', password: 'wrong password' })),
        'credentials_invalid',
      ],
      [
        await ask(base, 'POST', '/api/auth/register', json({ username: 'bad/name', password: 'long enough pw' })),
        'username_invalid',
      ],
      [
        await ask(base, 'POST', '/api/auth/register', json({ username: 'alice', password: 'short' })),
        'password_invalid',
      ],
      [await ask(base, 'POST', '/api/auth/refresh', json({ refreshToken: 'nope' })), 'refresh_invalid'],
      [await ask(base, 'POST', '/api/auth/refresh', json({ refreshToken: 7 })), 'bad_request'],
      // No token in the body: the browser's cookie, which needs an allowed Origin (auth/cookie.ts).
      [await ask(base, 'POST', '/api/auth/refresh', json({})), 'forbidden'],
      [await ask(base, 'GET', '/api/files/abc/content?u=x&e=1&s=y'), 'link_invalid'],
      [await ask(base, 'GET', '/api/nope'), 'not_found'],
    ];
    for (const [answer, code] of cases) expectCatalogued(answer, code);

    const upload = await ask(base, 'POST', '/api/rooms/general/files', { body: 'x' });
    expectCatalogued(upload, 'token_invalid');
    expect(upload.headers.get('www-authenticate')).toBe('Bearer, Session');

    // bad_request with a more precise status: the body still names bad_request.
    const media = await ask(base, 'POST', '/api/auth/login', { headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(media.status).toBe(BAD_REQUEST_STATUS.media_type);
    expect(media.body?.['error']).toBe('bad_request');
    const big = await ask(base, 'POST', '/api/auth/login', json({ username: 'a', password: 'p'.repeat(5000) }));
    expect(big.status).toBe(BAD_REQUEST_STATUS.too_large);
    expect(big.body?.['error']).toBe('bad_request');
  });
});
