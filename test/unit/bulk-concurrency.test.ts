// The number in flight that follows latency (src/bulk/concurrency.ts), on an injected clock: Little's
// law with headroom, within 8..64, and an explicit concurrency left alone.
import { describe, expect, it } from 'vitest';
import { defaultConcurrency, fixedConcurrency, LatencyConcurrency, maxAutoConcurrency } from '../../src/bulk/concurrency.js';

/** A controller on a clock the test moves, and a way to run one attempt of `ms`. */
function controller(perWindow: number, windowMs: number) {
  let now = 0;
  const c = new LatencyConcurrency(perWindow, windowMs, () => now);
  const attempt = (ms: number) => {
    const done = c.attemptStarted();
    now += ms;
    done();
  };
  return { c, attempt };
}

describe('concurrency that follows latency', () => {
  it('starts at the old default before any answer', () => {
    expect(controller(2_400, 60_000).c.limit).toBe(defaultConcurrency);
  });

  it('keeps the default when latency is low (2,400/min at 50 ms needs 2)', () => {
    const { c, attempt } = controller(2_400, 60_000);
    for (let i = 0; i < 20; i++) attempt(50);
    expect(c.latencyMs).toBe(50);
    expect(c.limit).toBe(defaultConcurrency);
  });

  it('rises to rate × latency with headroom at 300 ms and 1 s', () => {
    const at300 = controller(2_400, 60_000);
    at300.attempt(300);
    // 40/s × 0.3 s = 12 needed; × 2 + 4 = 28.
    expect(at300.c.limit).toBe(28);
    const at1s = controller(3_000, 60_000);
    at1s.attempt(1_000);
    // 50/s × 1 s = 50; × 2 + 4 = 104, capped.
    expect(at1s.c.limit).toBe(maxAutoConcurrency);
  });

  it('scales with a shortened window exactly as with the real one when latency is scaled too', () => {
    const real = controller(2_400, 60_000);
    const short = controller(2_400, 10_000);
    real.attempt(600);
    short.attempt(100);
    expect(short.c.limit).toBe(real.c.limit);
  });

  it('follows a change of latency as a moving average, down as well as up', () => {
    const { c, attempt } = controller(2_400, 60_000);
    attempt(300);
    expect(c.limit).toBe(28);
    attempt(1_300);
    // Average 300 + 0.1 × 1,000 = 400 ms: 16 × 2 + 4 = 36.
    expect(c.latencyMs).toBeCloseTo(400);
    expect(c.limit).toBe(36);
    for (let i = 0; i < 100; i++) attempt(20);
    expect(c.limit).toBe(defaultConcurrency);
  });

  it('counts an attempt once however often its end is reported', () => {
    const { c } = controller(2_400, 60_000);
    const done = c.attemptStarted();
    done();
    done();
    expect(c.latencyMs).toBe(0);
  });

  it('leaves an explicit concurrency as given', () => {
    const fixed = fixedConcurrency(3);
    fixed.attemptStarted()();
    expect(fixed.limit).toBe(3);
  });
});
