import { useEffect, useState } from 'preact/hooks';
import type { FileTransfers, UploadItem } from './file-transfers.ts';

/** The current uploads, re-rendering on every change (progress included). */
export function useUploads(files: FileTransfers): readonly UploadItem[] {
  const [items, setItems] = useState(() => files.getItems());
  useEffect(() => {
    setItems(files.getItems());
    return files.subscribe(setItems);
  }, [files]);
  return items;
}
