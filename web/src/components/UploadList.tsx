import type { FileTransfers } from '../file-transfers.ts';
import { formatBytes } from '../file-transfers.ts';
import { t } from '../i18n/index.ts';
import { useUploads } from '../use-uploads.ts';

/** Uploads to this room: a progress bar each, with cancel; failures stay until dismissed. */
export function UploadList({ files, room }: { readonly files: FileTransfers; readonly room: string }) {
  const items = useUploads(files).filter((i) => i.room === room);
  if (items.length === 0) return null;
  return (
    <ul class="uploads" aria-label={t('files.uploads')}>
      {items.map((item) => (
        <li key={item.key} class={`upload ${item.status}`} data-status={item.status}>
          <span class="upload-name">{item.name}</span>
          {item.status === 'failed' ? (
            <>
              <span class="upload-error" role="alert">
                {item.error ?? t('files.uploadFailed')}
              </span>
              <button type="button" class="link" onClick={() => files.dismiss(item.key)}>
                {t('common.dismiss')}
              </button>
            </>
          ) : (
            <>
              <progress max={item.size || 1} value={item.sent} aria-label={t('files.uploading', { name: item.name })} />
              <span class="upload-size muted">
                {item.status === 'sending'
                  ? t('files.sending')
                  : `${formatBytes(item.sent)} / ${formatBytes(item.size)}`}
              </span>
              {item.status === 'uploading' && (
                <button type="button" class="link" onClick={() => files.cancel(item.key)}>
                  {t('common.cancel')}
                </button>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
