import { describe, expect, it } from 'vitest';
import { Emitter } from '../../src/client/events.ts';
import { newId } from '../../src/client/ids.ts';

describe('Emitter', () => {
  it('delivers to subscribers until they unsubscribe, even from inside a listener', () => {
    const e = new Emitter<{ n: number; s: string }>();
    const seen: string[] = [];
    const offA = e.on('n', (n) => {
      seen.push(`a${n}`);
      offA(); // once
    });
    const offB = e.on('n', (n) => seen.push(`b${n}`));
    e.on('s', (s) => seen.push(s));
    e.emit('n', 1);
    e.emit('n', 2);
    offB();
    e.emit('n', 3);
    e.emit('s', 'x');
    expect(seen).toEqual(['a1', 'b1', 'b2', 'x']);
    expect(e.listenerCount('n')).toBe(0);
  });
});

describe('newId', () => {
  it('is url-safe, fits the protocol id limit, and does not repeat', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
