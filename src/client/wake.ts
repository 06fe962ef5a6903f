/** Browser hints that now is a good moment to reconnect; a no-op where there is no window. */

export function watchWakeSignals(onWake: () => void): () => void {
  const win = (globalThis as { window?: Window }).window;
  const doc = (globalThis as { document?: Document }).document;
  if (!win || typeof win.addEventListener !== 'function') return () => undefined;
  const online = (): void => onWake();
  const visible = (): void => {
    if (doc?.visibilityState === 'visible') onWake();
  };
  win.addEventListener('online', online);
  doc?.addEventListener('visibilitychange', visible);
  return () => {
    win.removeEventListener('online', online);
    doc?.removeEventListener('visibilitychange', visible);
  };
}
