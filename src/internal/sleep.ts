// A wait that the caller's AbortSignal can cut short, clamped to what setTimeout can honour.

/** The longest delay setTimeout honours; a longer one fires at once (with a warning). */
export const maxTimerMs = 2 ** 31 - 1;

/**
 * Sleeps, ending early (rejecting with the signal's reason) when the signal aborts, or at once if
 * it already has: an abort that lands between two attempts must not wait out the delay.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(ms, maxTimerMs),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
