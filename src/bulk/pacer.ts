// The pace of one batch: at most `perWindow` requests counted in any window of `windowMs`, and one
// pause for every item after a 429. A request counts from when it starts until a full window after
// it settled: the server counts it at some moment in between, so two requests on the same slot
// reach the server at least a window apart, whatever the network's jitter (a slot freed at the
// start would let a late arrival and an early one share a server window). Starts are also spread
// evenly (one every windowMs / perWindow, with a little slack for late timers), so that a window's
// budget is not spent in a burst at its start.
import { maxTimerMs } from '../internal/sleep.js';

/** The least slack, in ms: a start may come this early against an even spread. */
const minSlackMs = 100;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class Pacer {
  private inFlight = 0;
  /** When finished requests stop counting, in the order they finished (so non-decreasing). */
  private releases: number[] = [];
  private head = 0;
  private pausedUntil = 0;
  /** When the next start is due, if starts were exactly evenly spread (a GCRA's "theoretical arrival time"). */
  private due = 0;
  private readonly interval: number;
  /**
   * How far ahead of `due` a start may come: a few intervals, and at least `minSlackMs`, so late
   * timers do not cost rate (an event loop held up by other work is late by milliseconds, whatever
   * the interval: 4 intervals of a fast pace were less than its usual lateness on a loaded machine).
   */
  private readonly slack: number;
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;

  /** perWindow 0: unpaced (only the pause after a 429 applies). */
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.interval = perWindow > 0 ? windowMs / perWindow : 0;
    this.slack = perWindow > 0 ? Math.max(this.interval * 4, minSlackMs) : 0;
  }

  /** Resolves when a request may start; every acquire must be followed by one release. */
  acquire(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.grant();
    });
  }

  /** The request has settled (answered, failed or not sent at all). */
  release(): void {
    this.inFlight--;
    if (this.perWindow > 0) this.releases.push(this.now() + this.windowMs);
    this.grant();
  }

  /** No request starts before `ms` from now (a 429: the server's window is used up). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Rejects every waiting acquire with `error` (the batch stopped). */
  cancelWaiting(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.clearTimer();
  }

  private counted(now: number): number {
    while (this.head < this.releases.length && this.releases[this.head]! <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.releases.length) {
      this.releases = this.releases.slice(this.head);
      this.head = 0;
    }
    return this.inFlight + this.releases.length - this.head;
  }

  private grant(): void {
    const now = this.now();
    while (this.waiters.length > 0) {
      if (now < this.pausedUntil) {
        this.wakeAt(this.pausedUntil);
        return;
      }
      if (this.perWindow > 0 && this.counted(now) >= this.perWindow) {
        // Full: the next slot frees when the oldest finished request stops counting, or, if all
        // are still in flight, when one settles (release() calls grant again).
        const next = this.releases[this.head];
        if (next !== undefined) this.wakeAt(next);
        return;
      }
      if (now < this.due - this.slack) {
        this.wakeAt(this.due - this.slack);
        return;
      }
      this.due = Math.max(this.due, now) + this.interval;
      this.inFlight++;
      this.waiters.shift()!.resolve();
    }
    this.clearTimer();
  }

  private wakeAt(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    // +1: timers may fire a fraction of a millisecond early against performance.now().
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.grant();
      },
      // Clamped: a longer delay makes setTimeout fire at once, and the wake would spin.
      Math.min(maxTimerMs, Math.max(0, at - this.now()) + 1),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
