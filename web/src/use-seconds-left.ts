import { useEffect, useState } from 'preact/hooks';

const secondsLeft = (until: number | undefined): number =>
  until === undefined ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000));

/** Whole seconds until `until` (ms since the epoch), updated as they pass; 0 once it has passed. */
export function useSecondsLeft(until: number | undefined): number {
  const [left, setLeft] = useState(() => secondsLeft(until));
  useEffect(() => {
    setLeft(secondsLeft(until));
    if (until === undefined || until <= Date.now()) return;
    const timer = setInterval(() => {
      const now = secondsLeft(until);
      setLeft(now);
      if (now === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return left;
}
