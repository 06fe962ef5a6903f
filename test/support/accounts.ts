/** Accounts for server tests: registered over the real HTTP API. */
import { expect } from 'vitest';
import { TEST_PASSWORD } from './web-page.ts';

/** Registers `username` (password TEST_PASSWORD) on the server at `base`; its access token. */
export async function registerForToken(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.accessToken;
}
