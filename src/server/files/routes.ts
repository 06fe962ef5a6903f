/** Routing for the file endpoints; true when the request was one of them (answered or answering). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { answerError, type Files } from './files.ts';

const UPLOAD_PATH = /^\/api\/rooms\/([^/]+)\/files$/;
const FILE_PATH = /^\/api\/files\/([^/]+)(?:\/(content|thumb))?$/;

export function filesRoute(files: Files, log: Logger, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const run = (work: Promise<void>): true => {
    work.catch((err: unknown) => {
      log.error({ err }, 'file route failed');
      if (res.headersSent) res.destroy();
      else answerError(res, 'internal');
    });
    return true;
  };
  const upload = UPLOAD_PATH.exec(url.pathname);
  if (upload) {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    return run(files.upload(req, res, upload[1] ?? '', url));
  }
  const file = FILE_PATH.exec(url.pathname);
  if (!file) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
  const [, id = '', variant] = file;
  return run(
    variant ? files.download(req, res, id, variant as 'content' | 'thumb', url) : files.describe(req, res, id),
  );
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.writeHead(405, { 'Content-Type': 'application/json; charset=utf-8', Allow: allow });
  res.end(JSON.stringify({ error: 'method_not_allowed', message: `Use ${allow}` }));
  return true;
}
