/**
 * `GET /metrics`: this node's registry in the Prometheus text format. Off (404) unless `--metrics on`
 * (open: for a private network) or a `--metrics-token` is set (then `Authorization: Bearer <token>`
 * is required, else 401 `token_invalid`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerContext } from '../core/context.ts';
import { httpError } from '../http/respond.ts';
import type { Handler } from '../http/router.ts';

/** Whether a node serves /metrics at all: the one rule both the route and the metrics follow. */
export function metricsExposed(options: { readonly metrics: boolean; readonly metricsToken: string | null }): boolean {
  // Strict checks: a test's partial options (router.test.ts) leave both undefined, which means off.
  return options.metrics === true || typeof options.metricsToken === 'string';
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function metricsRoute(ctx: ServerContext): Handler {
  const { options, metrics } = ctx;
  const exposed = metricsExposed(options);
  // Compared as digests: equal lengths for timingSafeEqual, and nothing about the token's length leaks.
  const token = options.metricsToken;
  const expected = typeof token === 'string' ? digest(`Bearer ${token}`) : undefined;
  return async (req, res) => {
    if (!exposed) {
      httpError(res, 'not_found');
      return;
    }
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      httpError(res, 'token_invalid', {
        message: 'GET /metrics needs Authorization: Bearer <the metrics token>',
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
      return;
    }
    const body = await metrics.registry.metrics();
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  };
}
