import { useRef } from 'preact/hooks';
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
        aria-label="Attach files"
        title="Attach files (or drop them here, or paste an image)"
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
    </>
  );
}
