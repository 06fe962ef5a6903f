/**
 * Uploads of the web app: each file dropped, pasted or picked becomes an item with progress
 * that can be cancelled; once uploaded it is sent as an image or file message through the SDK
 * (outbox and all) and the item goes away — the message itself then shows in the log.
 */
import type { FileLinks, FileRef, ParleyClient } from '../../src/client/index.ts';
import { uploadErrorText } from './upload-errors.ts';

export { formatBytes } from './format.ts';

export interface UploadItem {
  readonly key: string;
  readonly room: string;
  readonly name: string;
  readonly size: number;
  readonly sent: number;
  readonly status: 'uploading' | 'sending' | 'failed';
  readonly error?: string;
}

type Listener = (items: readonly UploadItem[]) => void;

export class FileTransfers {
  private items: readonly UploadItem[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly aborts = new Map<string, AbortController>();
  private seq = 0;

  constructor(private readonly client: Pick<ParleyClient, 'upload' | 'sendFile' | 'fileLinks'>) {}

  getItems(): readonly UploadItem[] {
    return this.items;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Upload and send each file to `room`, in order of arrival. */
  start(room: string, files: Iterable<File>): void {
    for (const file of files) void this.run(room, file);
  }

  cancel(key: string): void {
    this.aborts.get(key)?.abort();
  }

  dismiss(key: string): void {
    this.set(this.items.filter((i) => i.key !== key));
  }

  links(fileId: string): Promise<FileLinks> {
    return this.client.fileLinks(fileId);
  }

  dispose(): void {
    for (const controller of this.aborts.values()) controller.abort();
    this.listeners.clear();
  }

  private async run(room: string, file: File): Promise<void> {
    const key = `upload-${++this.seq}`;
    const controller = new AbortController();
    this.aborts.set(key, controller);
    const name = file.name || 'pasted image';
    this.set([...this.items, { key, room, name, size: file.size, sent: 0, status: 'uploading' }]);
    let ref: FileRef;
    try {
      ref = await this.client.upload(room, file, {
        name,
        signal: controller.signal,
        onProgress: (sent) => this.patch(key, { sent }),
      });
    } catch (err) {
      this.aborts.delete(key);
      if (controller.signal.aborted) this.dismiss(key);
      else this.patch(key, { status: 'failed', error: uploadErrorText(err) });
      return;
    }
    this.aborts.delete(key);
    this.patch(key, { sent: file.size, status: 'sending' });
    try {
      await this.client.sendFile(room, ref);
      this.dismiss(key);
    } catch (err) {
      this.patch(key, { status: 'failed', error: uploadErrorText(err) });
    }
  }

  private patch(key: string, patch: Partial<UploadItem>): void {
    this.set(this.items.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  }

  private set(items: readonly UploadItem[]): void {
    this.items = items;
    for (const fn of this.listeners) fn(items);
  }
}
