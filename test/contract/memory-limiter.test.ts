import { describe, expect, it } from 'vitest';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { limiterContract } from './limiter.contract.ts';

limiterContract('memory', async (now, maxKeys) => {
  const limiters = new MemoryLimiters({ now, maxKeys });
  return { limiters, held: (name) => limiters.size(name) };
});

describe('MemoryLimiters', () => {
  it('refuses a second rate under a name already in use', () => {
    const limiters = new MemoryLimiters();
    limiters.bucket('n', 1, 2);
    expect(() => limiters.bucket('n', 2, 2)).toThrow(/another rate/);
  });
});
