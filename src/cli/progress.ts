// send-batch's progress on stderr: on a terminal a bar redrawn in place (sent and failed counts,
// rate, ETA); otherwise (a log, a pipe) a plain line every few seconds.

export interface Counts {
  /** Lines to send this run (those sent before excluded). */
  total: number;
  sent: number;
  /** Failed or unknown this run. */
  failed: number;
  /** Sent by an earlier run. */
  skipped: number;
}

export interface Pace {
  /** The batch's --per-minute (0: no pacing). */
  perMinute: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The time left: at the rate so far, but never less than the pacing allows (at --per-minute 5,
 * 15 lines left take 3 minutes however fast the first 5 went).
 */
function secondsLeft(left: number, rate: number, pace: Pace | undefined): number {
  if (left <= 0) return 0;
  const atRate = rate > 0 ? left / rate : Number.NaN;
  const paced = pace !== undefined && pace.perMinute > 0 ? (left / pace.perMinute) * 60 : Number.NaN;
  if (Number.isNaN(atRate)) return Number.isNaN(paced) ? Number.POSITIVE_INFINITY : paced;
  return Number.isNaN(paced) ? atRate : Math.max(atRate, paced);
}

/** One progress line: counts, the rate so far and the time left. */
export function progressLine(counts: Counts, elapsedMs: number, barWidth: number | undefined, pace?: Pace): string {
  const done = counts.sent + counts.failed;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = duration(secondsLeft(counts.total - done, rate, pace));
  const stats = `${done}/${counts.total} lines: ${counts.sent} sent, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}; ${rate.toFixed(1)}/s, ETA ${eta}`;
  if (barWidth === undefined) return stats;
  const filled = counts.total > 0 ? Math.min(barWidth, Math.round((done / counts.total) * barWidth)) : barWidth;
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${stats}`;
}

export class Progress {
  private readonly started = performance.now();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private drawn = false;

  constructor(
    private readonly counts: () => Counts,
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly pace?: Pace,
    plainEveryMs = 5_000,
  ) {
    const every = tty ? 200 : plainEveryMs;
    if (counts().total > 0) {
      this.timer = setInterval(() => this.draw(), every);
      this.timer.unref();
    }
  }

  private draw(): void {
    const line = progressLine(this.counts(), performance.now() - this.started, this.tty ? 30 : undefined, this.pace);
    if (this.tty) {
      this.write(`\r\x1b[K${line}`);
      this.drawn = true;
    } else this.write(`99digital: send-batch: ${line}\n`);
  }

  /** Stops; on a terminal the bar is wiped so that what follows starts on a clean line. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.drawn) this.write('\r\x1b[K');
  }
}
