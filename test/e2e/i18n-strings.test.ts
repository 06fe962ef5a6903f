import { describe, expect, it } from 'vitest';
import { AREAS } from '../../web/src/i18n/index.ts';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('UI strings', () => {
  it('every area has the same keys in English and Chinese, with the same placeholders', () => {
    const seen = new Set<string>();
    for (const area of AREAS) {
      expect(Object.keys(area.zh).sort()).toEqual(Object.keys(area.en).sort());
      for (const [key, en] of Object.entries(area.en)) {
        expect(seen.has(key), `key ${key} is defined in two areas`).toBe(false);
        seen.add(key);
        expect(placeholders(area.zh[key] ?? ''), key).toEqual(placeholders(en));
        expect((area.zh[key] ?? '').length, key).toBeGreaterThan(0);
      }
    }
  });
});
