import { describe, expect, it } from 'vitest';
import { backoffDelay, retryHintMs } from '../../src/client/backoff.ts';

const opts = { minMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('stays within [0, min * 2^attempt)', () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const ceiling = 500 * 2 ** attempt;
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, opts);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });

  it('uses full jitter: the random value scales the whole window', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(3999);
    // Not a fixed schedule: many draws spread over the window.
    const draws = new Set(Array.from({ length: 100 }, () => backoffDelay(4, opts)));
    expect(draws.size).toBeGreaterThan(50);
  });

  it('is capped at maxMs however many attempts failed', () => {
    for (const attempt of [6, 10, 100, 5000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, opts, () => 0.999999)).toBeLessThan(30_000);
      expect(backoffDelay(attempt, opts, () => 0.999999)).toBeGreaterThan(29_000);
    }
  });

  it('tolerates odd inputs', () => {
    expect(backoffDelay(-1, opts, () => 0.5)).toBe(250);
    expect(backoffDelay(2, { minMs: 0, maxMs: 100 }, () => 0.7)).toBe(0);
    expect(backoffDelay(0, { minMs: 500, maxMs: 100 }, () => 0.5)).toBe(250); // max below min: min wins
    expect(backoffDelay(1, opts, () => 1)).toBe(999); // random() === 1 would be out of range
  });
});

describe('retryHintMs', () => {
  it('reads the retryMs hint of a shutting-down server', () => {
    expect(retryHintMs('{"retryMs":1234}')).toBe(1234);
    expect(retryHintMs('{"retryMs":0}')).toBe(0);
  });
  it('ignores reasons without a usable hint', () => {
    for (const reason of [undefined, '', 'bye', '{', '{"retryMs":"5"}', '{"retryMs":-1}', '{"other":1}']) {
      expect(retryHintMs(reason)).toBeUndefined();
    }
  });
});
