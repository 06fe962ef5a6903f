/** The chat's PresenceBook, for status dots anywhere in the tree (provided by App). */
import { createContext } from 'preact';
import type { PresenceBook } from './presence-book.ts';

export const PresenceContext = createContext<PresenceBook | null>(null);
