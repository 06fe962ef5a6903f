/** Whom you block (block-list.ts), for any component under App's BlocksContext; re-renders on change. */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { BlockList } from './block-list.ts';

export const BlocksContext = createContext<BlockList | null>(null);

/** The block list, or null outside the chat (the sign-in card). */
export function useBlocks(): BlockList | null {
  const list = useContext(BlocksContext);
  const [, setVersion] = useState(0);
  useEffect(() => list?.subscribe(() => setVersion((v) => v + 1)), [list]);
  return list;
}
