/** The chat's FileTransfers, for message rows that show files (provided by ChatScreen). */
import { createContext } from 'preact';
import type { FileTransfers } from './file-transfers.ts';

export const FilesContext = createContext<FileTransfers | null>(null);
