import { useEffect, useRef } from 'preact/hooks';
import type { FileRef } from '../../../src/client/index.ts';
import { formatBytes } from '../file-transfers.ts';
import { t } from '../i18n/index.ts';

interface Props {
  readonly file: FileRef;
  readonly url: string;
  readonly onClose: () => void;
}

/** The full image over the page: Esc, the close button or a click beside the image closes it. */
export function ImageViewer({ file, url, onClose }: Props) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey, true);
    const before = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => {
      document.removeEventListener('keydown', onKey, true);
      before?.focus();
    };
  }, [onClose]);

  return (
    <div
      class="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={file.name}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <img class="viewer-image" src={url} alt={file.name} />
      <div class="viewer-bar">
        <span class="viewer-name">{file.name}</span>
        <span class="muted">
          {file.width && file.height ? `${file.width}×${file.height} · ` : ''}
          {formatBytes(file.size)}
        </span>
        <a class="viewer-download" href={url} download={file.name}>
          {t('files.download')}
        </a>
        <button ref={closeRef} type="button" class="viewer-close" onClick={onClose} aria-label={t('common.close')}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
