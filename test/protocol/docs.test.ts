/** docs/protocol.md and docs/config.md stay in step with the code catalogue and options. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_FRAME_TYPES, CLOSE, ERROR_CODES } from '../../src/protocol/index.ts';
import { OPTION_SPECS } from '../../src/server/options.ts';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
/** A table row whose first cell is exactly this text (prettier pads cells). */
const row = (cell: string) => new RegExp(`^\\|\\s*${cell.replace(/[`|]/g, '\\$&')}\\s*\\|`, 'm');

describe('docs', () => {
  const protocol = read('docs/protocol.md');
  it('document every error code', () => {
    for (const code of ERROR_CODES) expect(protocol, code).toMatch(row(`\`${code}\``));
  });
  it('document every close code', () => {
    for (const code of Object.values(CLOSE)) expect(protocol, String(code)).toMatch(row(String(code)));
  });
  it('document every frame type', () => {
    const server = [
      'welcome',
      'event',
      'ack',
      'room',
      'rooms',
      'joined',
      'left',
      'history',
      'presence',
      'error',
      'pong',
      'user',
      'synced',
      'receipts',
      'unread',
    ];
    for (const type of [...CLIENT_FRAME_TYPES, ...server]) expect(protocol, type).toMatch(row(`\`${type}\``));
  });
  it('document every option with its flag and environment variable', () => {
    const config = read('docs/config.md');
    for (const spec of OPTION_SPECS) {
      expect(config, spec.flag).toContain(spec.flag);
      expect(config, spec.env).toContain(spec.env);
    }
  });
});
