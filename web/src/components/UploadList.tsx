import type { FileTransfers } from '../file-transfers.ts';
import { formatBytes } from '../file-transfers.ts';
import { useUploads } from '../use-uploads.ts';

/** Uploads to this room: a progress bar each, with cancel; failures stay until dismissed. */
export function UploadList({ files, room }: { readonly files: FileTransfers; readonly room: string }) {
  const items = useUploads(files).filter((i) => i.room === room);
  if (items.length === 0) return null;
  return (
    <ul class="uploads" aria-label="Uploads">
      {items.map((item) => (
        <li key={item.key} class={`upload ${item.status}`} data-status={item.status}>
          <span class="upload-name">{item.name}</span>
          {item.status === 'failed' ? (
            <>
              <span class="upload-error" role="alert">
                {item.error ?? 'Upload failed'}
              </span>
              <button type="button" class="link" onClick={() => files.dismiss(item.key)}>
                Dismiss
              </button>
            </>
          ) : (
            <>
              <progress max={item.size || 1} value={item.sent} aria-label={`Uploading ${item.name}`} />
              <span class="upload-size muted">
                {item.status === 'sending' ? 'sending…' : `${formatBytes(item.sent)} / ${formatBytes(item.size)}`}
              </span>
              {item.status === 'uploading' && (
                <button type="button" class="link" onClick={() => files.cancel(item.key)}>
                  Cancel
                </button>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
