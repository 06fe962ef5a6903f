/**
 * A small HTTP router: a table of paths, each with a handler per method. The first path that
 * matches decides; a method it has no handler for is answered 405 with `Allow`. A GET handler
 * also serves HEAD (Node sends no body for HEAD). Paths are matched on the parsed pathname:
 * `:name` is one segment (`[^/]+`, not decoded), `:name(a|b)` one of the alternatives, and `*`
 * anything (also nothing, also `/`). A handler's failure is logged and answered 500 `internal`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { httpError } from './respond.ts';

export interface RouteContext {
  readonly url: URL;
  /** The path's `:name` segments, as sent (percent-encoded). */
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, route: RouteContext) => void | Promise<void>;

export type Method = 'GET' | 'HEAD' | 'POST';

export type Route = { readonly path: string } & { readonly [M in Method]?: Handler } & {
  /** The 405 message; by default `Use <methods>`. */
  readonly wrongMethod?: string;
};

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly methods: readonly Method[];
  /** The `Allow` header: the methods, with HEAD wherever GET is. */
  readonly allow: string;
}

const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST'];

/** `/api/files/:id/:variant(content|thumb)` → `^/api/files/(?<id>[^/]+)/(?<variant>content|thumb)$`. */
export function compilePath(path: string): RegExp {
  const source = path.replace(/:(\w+)(?:\(([\w|]+)\))?|\*|[^:*]+/g, (part, name?: string, choices?: string) => {
    if (name) return `(?<${name}>${choices ?? '[^/]+'})`;
    if (part === '*') return '.*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${source}$`, 's');
}

function compile(route: Route): Compiled {
  const methods = METHODS.filter((m) => route[m]);
  const allow = METHODS.filter((m) => route[m] ?? (m === 'HEAD' && route.GET)).join(', ');
  return { route, pattern: compilePath(route.path), methods, allow };
}

export type Router = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** A path no route matches is answered 404 `not_found`. */
export function createRouter(log: Logger, routes: readonly Route[]): Router {
  const table = routes.map(compile);
  return (req, res, url) => {
    for (const { route, pattern, methods, allow } of table) {
      const m = pattern.exec(url.pathname);
      if (!m) continue;
      const method = req.method as Method;
      const handle = METHODS.includes(method)
        ? (route[method] ?? (method === 'HEAD' ? route.GET : undefined))
        : undefined;
      if (!handle) {
        const message = route.wrongMethod ?? `Use ${methods.join(', ')}`;
        httpError(res, 'method_not_allowed', { message, headers: { Allow: allow } });
        return;
      }
      const work = handle(req, res, { url, params: { ...m.groups } });
      if (work instanceof Promise) {
        work.catch((err: unknown) => {
          log.error({ err, route: route.path }, 'http route failed');
          httpError(res, 'internal');
        });
      }
      return;
    }
    httpError(res, 'not_found');
  };
}
