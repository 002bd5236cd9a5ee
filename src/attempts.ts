// Runs one logical request as one or more attempts: a timeout per attempt and the caller's
// AbortSignal. No timer or listener outlives the call. What happens after a failure or an error
// status (a typed error, a retry) is loaded only then: retry.ts and network-failures.ts.
import type { RetryPolicy } from './retry.js';

export interface AttemptContext {
  policy: RetryPolicy;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** e.g. "POST /api/v1/accounts/1/conversations/42/messages", for messages. */
  what: string;
  debug: ((line: string) => void) | undefined;
  /** Cut out of error messages that quote a low-level error. */
  token: string;
}

/** The longest delay setTimeout honours; a longer one fires at once (with a warning). */
const maxTimerMs = 2 ** 31 - 1;

const timeoutReason = Symbol('timeout');

export async function runAttempts<T extends { response: Response }>(
  run: (signal: AbortSignal) => Promise<T>,
  ctx: AttemptContext,
): Promise<T> {
  const callerSignal = ctx.signal;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal?.aborted) throw (await import('./network-failures.js')).abortedError(ctx, 'before it was sent');
    const controller = new AbortController();
    let timedOut = false;
    // A longer delay would make setTimeout fire at once: a timeout of weeks is no timeout at all.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(timeoutReason);
    }, Math.min(ctx.timeoutMs, maxTimerMs));
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onAbort, { once: true });

    let outcome: { result: T } | { error: unknown; timedOut: boolean };
    try {
      outcome = { result: await run(controller.signal) };
    } catch (error) {
      outcome = { error, timedOut };
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }
    if ('result' in outcome) {
      const { result } = outcome;
      if (result.response.ok || attempt >= ctx.policy.retries) return result;
      if (!(await (await import('./retry.js')).waitToRetry(ctx, attempt, { response: result.response }))) return result;
    } else {
      await (await import('./retry.js')).waitToRetry(ctx, attempt, outcome);
    }
  }
}
