/**
 * Files for the client: uploads checked against the server's limit (from welcome), cached
 * signed links, and the outbox frame that shares an uploaded file. HTTP mechanics: upload.ts.
 */
import type { FileRef } from '../protocol/index.ts';
import { ClientError } from './errors.ts';
import { newId } from './ids.ts';
import type { OutboxFrame } from './outbox-store.ts';
import { LinkCache, sizeOf, uploadFile, type FileLinks, type HttpTarget, type UploadOptions } from './upload.ts';

export class Files {
  readonly #target: HttpTarget;
  readonly #links: LinkCache;
  /** From welcome.limits; unknown before the first welcome (the server then decides). */
  maxUploadBytes: number | undefined;

  constructor(target: HttpTarget) {
    this.#target = target;
    this.#links = new LinkCache(target);
  }

  async upload(room: string, file: Blob | Uint8Array, opts?: UploadOptions): Promise<FileRef> {
    const max = this.maxUploadBytes;
    if (max !== undefined && sizeOf(file) > max) {
      const err = new ClientError('file_too_large', `The file is larger than ${max} bytes`, false);
      throw Object.assign(err, { maxBytes: max });
    }
    const { file: ref, links } = await uploadFile(this.#target, room, file, opts);
    this.#links.remember(ref.id, links);
    return ref;
  }

  /** An uploaded file as is, or bytes uploaded first. */
  async ref(room: string, file: FileRef | Blob | Uint8Array, opts?: UploadOptions): Promise<FileRef> {
    return file instanceof Uint8Array || file instanceof Blob ? await this.upload(room, file, opts) : file;
  }

  links(fileId: string): Promise<FileLinks> {
    return this.#links.get(fileId);
  }
}

/** The send that shares a file; through the outbox, so a resend refers to the same upload. */
export function fileFrame(room: string, ref: FileRef, caption: string): OutboxFrame {
  return { type: 'send', id: newId(), room, kind: ref.thumb ? 'image' : 'file', file: ref.id, body: caption };
}
