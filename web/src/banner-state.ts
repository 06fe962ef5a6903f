import type { ConnectionState } from '../../src/client/index.ts';

export type BannerKind = 'none' | 'offline' | 'lost' | 'closed' | 'recovered';

/**
 * What the connection banner says. Nothing before the first connection (the sign-in screen
 * shows that), "lost" while reconnecting, "recovered" for a moment after coming back.
 */
export function bannerKind(opts: {
  readonly state: ConnectionState;
  readonly online: boolean;
  /** Connected at least once on this page. */
  readonly wasConnected: boolean;
  /** The connection came back within the last moment. */
  readonly justRecovered: boolean;
}): BannerKind {
  if (!opts.online) return 'offline';
  if (opts.state === 'closed') return 'closed';
  if (opts.state === 'connected') return opts.justRecovered ? 'recovered' : 'none';
  if (opts.state === 'reconnecting' || (opts.state === 'connecting' && opts.wasConnected)) return 'lost';
  return 'none';
}

/**
 * What the header's connection badge shows: the banner's own facts (the socket's state and the
 * browser's online flag), so the badge never says "Connected" under an "offline" banner.
 */
export function badgeState(state: ConnectionState, online: boolean): ConnectionState | 'offline' {
  return online ? state : 'offline';
}
