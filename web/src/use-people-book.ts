/** The people directory (people-book.ts) for any component under App's PeopleContext; re-renders on change. */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { UserRef } from '../../src/client/index.ts';
import type { PeopleBook } from './people-book.ts';

export const PeopleContext = createContext<PeopleBook | null>(null);

/** The book, or null outside the chat (the sign-in card); the component re-renders when it changes. */
export function usePeopleBook(): PeopleBook | null {
  const book = useContext(PeopleContext);
  const [, setVersion] = useState(0);
  useEffect(() => book?.subscribe(() => setVersion((v) => v + 1)), [book]);
  return book;
}

/** The freshest version of this person (the user as given outside the chat). */
export function useFresh(user: UserRef): UserRef {
  return usePeopleBook()?.fresh(user) ?? user;
}

/** A function giving the freshest version of each person, for lists. */
export function useFreshPeople(): (user: UserRef) => UserRef {
  const book = usePeopleBook();
  return (u) => book?.fresh(u) ?? u;
}
