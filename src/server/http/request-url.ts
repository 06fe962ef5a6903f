/**
 * The request target of an HTTP request or upgrade, parsed without ever throwing.
 * `new URL('//', base)` throws (a scheme-relative target), so the raw target is appended to a
 * fixed origin instead; anything that still does not parse (or is not origin-form) is null → 400.
 */
const ORIGIN = 'http://localhost';

export function requestUrl(target: string | undefined): URL | null {
  const raw = target ?? '/';
  if (!raw.startsWith('/')) return null;
  try {
    const url = new URL(ORIGIN + raw);
    return url.origin === ORIGIN ? url : null;
  } catch {
    return null;
  }
}
