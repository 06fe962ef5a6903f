/** A form's one action in flight: busy while it runs, the server's reason (as text) when it fails. */
import { useState } from 'preact/hooks';
import { errorText } from './format.ts';

export interface PendingAction {
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly setError: (error: string | undefined) => void;
  /** Runs `action`; true when it succeeded, false with `error` set when it threw. */
  readonly run: (action: () => Promise<void>) => Promise<boolean>;
}

export function usePendingAction(): PendingAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
