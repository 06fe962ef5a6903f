import { useContext, useEffect, useState } from 'preact/hooks';
import type { FileLinks, FileRef } from '../../../src/client/index.ts';
import { FilesContext } from '../files-context.ts';
import { formatBytes } from '../file-transfers.ts';
import { t } from '../i18n/index.ts';
import { FileIcon } from './FileIcons.tsx';
import { ImageViewer } from './ImageViewer.tsx';

/** The server's thumbnails fit in this square. */
const THUMB_PX = 320;

/** Renew links this long before they expire, so a long-open page never shows a dead one. */
const RENEW_EARLY_MS = 30_000;

/**
 * Signed links to the file, fetched when the row shows (they are per user and short-lived) and
 * renewed while it stays on screen.
 */
function useLinks(fileId: string): { links?: FileLinks; error?: boolean } {
  const files = useContext(FilesContext);
  const [state, setState] = useState<{ links?: FileLinks; error?: boolean }>({});
  useEffect(() => {
    if (!files) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      files.links(fileId).then(
        (links) => {
          if (!live) return;
          setState({ links });
          timer = setTimeout(load, Math.max(1_000, links.expiresAt - Date.now() - RENEW_EARLY_MS));
        },
        () => live && setState({ error: true }),
      );
    };
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [files, fileId]);
  return state;
}

/** Shown size of the thumbnail, so the row does not jump when it loads. */
function thumbSize(file: FileRef): { width: number; height: number } | undefined {
  if (!file.width || !file.height) return undefined;
  const scale = Math.min(1, THUMB_PX / Math.max(file.width, file.height));
  return { width: Math.max(1, Math.round(file.width * scale)), height: Math.max(1, Math.round(file.height * scale)) };
}

/** An image (thumbnail, opens the viewer) or a file card (name, size, download). Names are text. */
export function FileAttachment({ file }: { readonly file: FileRef }) {
  const { links, error } = useLinks(file.id);
  const [open, setOpen] = useState(false);
  const [broken, setBroken] = useState(false);
  const size = file.thumb ? thumbSize(file) : undefined;

  if (size) {
    return (
      <div class="attachment image" data-file={file.id}>
        <button
          type="button"
          class="thumb"
          style={{ width: `${size.width}px`, aspectRatio: `${size.width} / ${size.height}` }}
          onClick={() => setOpen(true)}
          disabled={!links}
          aria-label={t('files.openImage', { name: file.name })}
        >
          {links?.thumbUrl && !broken && (
            <img
              src={links.thumbUrl}
              alt={file.name}
              width={size.width}
              height={size.height}
              onError={() => setBroken(true)}
            />
          )}
          {(error || broken) && <span class="muted">{t('files.imageUnavailable')}</span>}
        </button>
        {open && links && <ImageViewer file={file} url={links.url} onClose={() => setOpen(false)} />}
      </div>
    );
  }
  return (
    <div class="attachment file" data-file={file.id}>
      <span class="file-icon">
        <FileIcon />
      </span>
      <span class="file-info">
        <span class="file-name">{file.name}</span>
        <span class="file-size muted">{formatBytes(file.size)}</span>
      </span>
      {links ? (
        <a class="file-download" href={links.url} download={file.name}>
          {t('files.download')}
        </a>
      ) : (
        error && <span class="muted">{t('files.unavailable')}</span>
      )}
    </div>
  );
}
