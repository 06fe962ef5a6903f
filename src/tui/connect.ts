/** The SDK client for the terminal: its socket, sign-in, and the first connection with a deadline. */
import WebSocket from 'ws';
import { createClient, type ParleyClient, type WebSocketConstructor } from '../client/index.ts';
import type { ChatArgs } from './args.ts';
import type { Credentials } from './auth.ts';
import { ChatExit } from './exit.ts';

/** Handshake answers that no retry will change: a bad token, guests not allowed, a refused origin. */
const REFUSING_STATUS = new Set([401, 403]);

export interface ChatConnection {
  readonly client: ParleyClient;
  /** Connect; resolves at the first welcome, rejects with ChatExit 1 when refused or out of time. */
  start(): Promise<void>;
  /** The last socket error (e.g. "connect ECONNREFUSED 127.0.0.1:8080"), for status lines. */
  lastSocketError(): string | undefined;
}

/**
 * ws's WebSocket, also reporting socket errors: browsers (and so the SDK) only see a close 1006,
 * but a terminal user should be told "HTTP 401" or "ECONNREFUSED".
 */
function reportingWebSocket(onError: (message: string) => void): WebSocketConstructor {
  class ReportingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols);
      this.on('error', (err: Error) => onError(err.message));
    }
  }
  return ReportingWebSocket as unknown as WebSocketConstructor;
}

export function openConnection(args: ChatArgs, creds: Credentials): ChatConnection {
  let lastError: string | undefined;
  let refusal: ((message: string) => void) | undefined;
  const client = createClient({
    url: args.url,
    nick: args.nick,
    ...(creds.token ? { token: creds.token } : {}),
    ...(creds.refresh ? { refresh: creds.refresh } : {}),
    WebSocket: reportingWebSocket((message) => {
      lastError = message;
      const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
      if (status === undefined || !REFUSING_STATUS.has(Number(status))) return;
      // Not from inside ws's error dispatch: refusing closes the client.
      queueMicrotask(() => refusal?.(`HTTP ${status}`));
    }),
    autoConnect: false,
  });

  // A socket error explains the next drop only: forget it once connected.
  client.on('state', ({ state }) => {
    if (state === 'connected') lastError = undefined;
  });

  const start = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let lastClientError: string | undefined;
      const stop = (): void => {
        clearTimeout(timer);
        offState();
        offError();
        refusal = undefined;
      };
      const fail = (message: string): void => {
        stop();
        client.close();
        reject(new ChatExit('failed', message));
      };
      const timer = setTimeout(() => {
        const why = lastError ?? lastClientError;
        fail(`could not connect to ${args.url} within ${args.timeoutMs / 1000} s${why ? ` (${why})` : ''}`);
      }, args.timeoutMs);
      const offError = client.on('error', (e) => {
        lastClientError = e.message;
      });
      const offState = client.on('state', ({ state, reason }) => {
        if (state === 'connected') {
          stop();
          resolve();
        } else if (state === 'closed') {
          fail(`refused by ${args.url}: ${lastClientError ?? reason ?? 'closed'}`);
        }
      });
      refusal = (status) => {
        const why = args.auth.kind === 'guest' ? 'guests not allowed, or origin refused' : 'token invalid or expired';
        fail(`refused by ${args.url}: ${status} (${why})`);
      };
      client.connect();
    });

  return { client, start, lastSocketError: () => lastError };
}
