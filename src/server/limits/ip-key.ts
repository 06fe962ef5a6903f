/**
 * The key per-IP limits count under. One IPv6 host usually holds a whole /64 (and can pick a new
 * address in it at will), so IPv6 addresses count per /64 prefix; IPv4 (also IPv4-mapped IPv6)
 * per address.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export function ipLimitKey(ip: string): string {
  const mapped = MAPPED_V4.exec(ip)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  const bare = ip.split('%')[0] ?? ip;
  if (!isIPv6(bare)) return ip;
  return `${prefix64(bare)}::/64`;
}

/** The first four groups of an IPv6 address, expanded from `::` and an IPv4 tail. */
function prefix64(addr: string): string {
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups.at(-1) ?? '';
    if (!last.includes('.')) return groups;
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  const gap = addr.indexOf('::');
  const head = toGroups(gap < 0 ? addr : addr.slice(0, gap));
  const tail = gap < 0 ? [] : toGroups(addr.slice(gap + 2));
  const groups = gap < 0 ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':');
}
