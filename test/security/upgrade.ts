/** Upgrade attempts whose outcome is an HTTP status (a refused handshake) or an open socket. */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { withDeadline } from '../support/wait.ts';

export type UpgradeOutcome = { status: number; body: string } | { open: WebSocket };

/** Tries a WebSocket handshake; resolves with the refusal's status, or the open socket. */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  const ws = new WebSocket(url, { headers, rejectUnauthorized: false });
  return withDeadline(
    new Promise<UpgradeOutcome>((resolve, reject) => {
      ws.once('open', () => resolve({ open: ws }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', (err) => reject(err));
    }),
    5_000,
    `upgrade to ${url}`,
  );
}

export function statusOf(outcome: UpgradeOutcome): number {
  if ('open' in outcome) {
    outcome.open.close();
    return 101;
  }
  return outcome.status;
}

/** Writes raw bytes to the port and returns whatever comes back before the peer closes. */
export function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  return withDeadline(
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let out = '';
      socket.on('data', (d) => (out += d.toString('latin1')));
      socket.on('error', () => resolve(out));
      socket.on('close', () => resolve(out));
      // Half-close after the bytes so a server waiting for more header bytes answers or drops us.
      socket.on('connect', () => socket.end(bytes));
    }),
    10_000,
    'raw exchange',
  );
}
