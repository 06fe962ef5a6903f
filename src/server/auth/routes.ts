/** HTTP: POST /api/auth/{register,login,refresh,logout} and GET /api/config. */
import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { ERRORS, type ErrorCode } from '../../protocol/index.ts';
import type { Logger } from '../log.ts';
import type { Accounts, AuthResult } from './accounts.ts';
import { PASSWORD_MAX } from './passwords.ts';

/** Largest accepted JSON body. */
export const MAX_AUTH_BODY_BYTES = 4096;

type Respond = (status: number, body: unknown) => void;

const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  username_invalid: 400,
  password_invalid: 400,
  username_taken: 409,
  credentials_invalid: 401,
  refresh_invalid: 401,
};

// Loose string bounds here; the account rules (accounts.ts) give the precise message.
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const credentialsSchema = v.object({ username: text(256), password: text(PASSWORD_MAX * 4) });
const refreshSchema = v.object({ refreshToken: text(256) });

export interface AuthRoutes {
  readonly accounts: Accounts;
  readonly guests: boolean;
  readonly log: Logger;
}

/** True when the route was handled (answered or answering). */
export function authRoute(routes: AuthRoutes, req: IncomingMessage, path: string, respond: Respond): boolean {
  if (path === '/api/config') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(respond, 'GET');
    respond(200, { guests: routes.guests });
    return true;
  }
  const action = /^\/api\/auth\/(register|login|refresh|logout)$/.exec(path)?.[1];
  if (!action) return false;
  if (req.method !== 'POST') return methodNotAllowed(respond, 'POST');
  void handle(routes, action, req, respond);
  return true;
}

function methodNotAllowed(respond: Respond, allowed: string): true {
  respond(405, { error: 'method_not_allowed', message: `Use ${allowed}` });
  return true;
}

const error = (respond: Respond, code: ErrorCode, message: string = ERRORS[code].message, status?: number): void =>
  respond(status ?? STATUS[code] ?? 400, { error: code, message });

async function handle(routes: AuthRoutes, action: string, req: IncomingMessage, respond: Respond): Promise<void> {
  const { accounts } = routes;
  try {
    // Requiring JSON also means a cross-site form cannot post here without a CORS preflight.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      error(respond, 'bad_request', 'Send Content-Type: application/json', 415);
      return;
    }
    const body = await readBody(req);
    if (body === 'too_large') {
      error(respond, 'bad_request', `The body is larger than ${MAX_AUTH_BODY_BYTES} bytes`, 413);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      error(respond, 'bad_request', 'The body is not valid JSON');
      return;
    }
    const answer = (result: AuthResult): void => {
      if (result.ok) respond(200, result.grant);
      else error(respond, result.code, result.message);
    };
    if (action === 'register' || action === 'login') {
      const parsed = v.safeParse(credentialsSchema, json);
      if (!parsed.success) {
        error(respond, 'bad_request', 'Expected {"username": string, "password": string}');
        return;
      }
      const { username, password } = parsed.output;
      answer(
        action === 'register' ? await accounts.register(username, password) : await accounts.login(username, password),
      );
      return;
    }
    const parsed = v.safeParse(refreshSchema, json);
    if (!parsed.success) {
      error(respond, 'bad_request', 'Expected {"refreshToken": string}');
      return;
    }
    if (action === 'refresh') {
      answer(await accounts.refresh(parsed.output.refreshToken));
      return;
    }
    await accounts.logout(parsed.output.refreshToken);
    respond(200, { ok: true });
  } catch (err) {
    routes.log.error({ err }, 'auth route failed');
    error(respond, 'internal', undefined, 500);
  }
}

/** The body as text, or 'too_large' once it passes MAX_AUTH_BODY_BYTES (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_AUTH_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
