/** The file endpoints' handlers (routed by http/routes.ts); the work is in files.ts. */
import type { Handler } from '../http/router.ts';
import type { Files } from './files.ts';

export interface FileHandlers {
  /** POST /api/rooms/:room/files */
  readonly upload: Handler;
  /** GET /api/files/:id */
  readonly describe: Handler;
  /** GET /api/files/:id/:variant(content|thumb) */
  readonly download: Handler;
}

export function fileHandlers(files: Files): FileHandlers {
  return {
    upload: (req, res, { url, params }) => files.upload(req, res, params['room'] ?? '', url),
    describe: (req, res, { params }) => files.describe(req, res, params['id'] ?? ''),
    download: (req, res, { url, params }) =>
      files.download(req, res, params['id'] ?? '', params['variant'] === 'thumb' ? 'thumb' : 'content', url),
  };
}
