import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from '../../src/client/heartbeat.ts';

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings after intervalMs of silence and declares death after interval + slack', () => {
    const ping = vi.fn();
    const dead = vi.fn();
    const hb = new Heartbeat({ intervalMs: 1000, slackMs: 500, ping, dead });
    vi.advanceTimersByTime(999);
    expect(ping).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(499);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
    expect(ping).toHaveBeenCalledTimes(1);
    hb.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('traffic postpones both the ping and the verdict', () => {
    const ping = vi.fn();
    const dead = vi.fn();
    const hb = new Heartbeat({ intervalMs: 1000, slackMs: 500, ping, dead });
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(600);
      hb.seen();
    }
    expect(ping).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(ping).toHaveBeenCalledTimes(1);
    hb.seen(); // the pong
    vi.advanceTimersByTime(1400);
    expect(dead).not.toHaveBeenCalled();
    expect(ping).toHaveBeenCalledTimes(2);
    hb.stop();
    vi.advanceTimersByTime(10_000);
    expect(dead).not.toHaveBeenCalled();
  });
});
