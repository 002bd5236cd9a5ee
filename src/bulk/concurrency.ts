// How many of a batch's items may be in flight: a fixed number when the caller gives `concurrency`,
// otherwise one that follows the measured latency. By Little's law the requests in flight are rate
// × latency: to start `perWindow` requests a window when each takes L ms, about perWindow / windowMs
// × L must be in flight, plus headroom for slow answers and for items waiting for their turn under
// the pace. Never below the old fixed default, never above a cap; one at a time per conversation
// still holds (the queues hand out one item per conversation whatever this allows).

/** In flight before any answer is measured, and never fewer when paced (the old fixed default). */
export const defaultConcurrency = 8;
/** The most in flight (2,400/min needs 64 at 1.6 s latency, before headroom). */
export const maxAutoConcurrency = 64;
/**
 * Little's figure is multiplied by this, then `extra` added: slow answers, and items on their way to
 * the pacer (checked, journaled) that must be ready when their turn comes. More in flight costs no
 * rate (the pacer keeps the pace); too few loses it (×1.5 + 2 reached 93% of the budget on a loaded
 * machine).
 */
const headroom = 2;
const extra = 4;
/** Weight of a new latency in the moving average (about the last ten answers). */
const weight = 0.1;

export interface Concurrency {
  /** How many may be in flight now. */
  readonly limit: number;
  /** An attempt goes out; the returned function is called when it settles (answered or failed). */
  attemptStarted(): () => void;
}

/** The caller's `concurrency`, or no pace to follow (perMinute 0, or a limiter setting it). */
export function fixedConcurrency(limit: number): Concurrency {
  return { limit, attemptStarted: () => () => {} };
}

export class LatencyConcurrency implements Concurrency {
  private latency: number | undefined;
  private current = defaultConcurrency;
  private readonly perMs: number;

  constructor(
    perWindow: number,
    windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = perWindow / windowMs;
  }

  get limit(): number {
    return this.current;
  }

  /** The moving average of the attempts' latencies in ms (undefined before the first answer). */
  get latencyMs(): number | undefined {
    return this.latency;
  }

  attemptStarted(): () => void {
    const start = this.now();
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.observe(this.now() - start);
    };
  }

  private observe(ms: number): void {
    // The first answer sets the average outright: the batch should not crawl up from 8 at 1 s latency.
    this.latency = this.latency === undefined ? ms : this.latency + weight * (ms - this.latency);
    const needed = Math.ceil(this.perMs * this.latency * headroom) + extra;
    this.current = Math.min(maxAutoConcurrency, Math.max(defaultConcurrency, needed));
  }
}
