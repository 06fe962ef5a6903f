import { useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { PaperclipIcon } from './FileIcons.tsx';

/** The composer's file picker: a button that opens a (hidden) file input. */
export function AttachButton({
  disabled,
  onFiles,
}: {
  readonly disabled: boolean;
  readonly onFiles: (f: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        name="attachment"
        multiple
        hidden
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          // Reset so picking the same file again fires change again.
          e.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <button
        type="button"
        class="icon-button attach"
        disabled={disabled}
        aria-label={t('composer.attach')}
        title={t('composer.attachHint')}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
    </>
  );
}
