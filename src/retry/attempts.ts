// Runs one logical request as one or more attempts: a timeout per attempt, the caller's AbortSignal,
// and after a failure or an error status, a wait and another attempt when the policy allows it. No
// timer or listener outlives the call.
import { ConnectionError } from '../errors/classes.js';
import { abortedError, classify, type FailureContext } from '../errors/from-network.js';
import { parseRetryAfter } from '../errors/retry-after.js';
import { backoffDelay, isRetryableStatus, type RetryPolicy } from './policy.js';
import { maxTimerMs, sleep } from './sleep.js';

export interface AttemptContext extends FailureContext {
  policy: RetryPolicy;
  /** Already redacted by the client (see errors/redaction.ts). */
  debug: ((line: string) => void) | undefined;
}

const timeoutReason = Symbol('timeout');

export async function runAttempts<T extends { response: Response }>(
  run: (signal: AbortSignal) => Promise<T>,
  ctx: AttemptContext,
): Promise<T> {
  const callerSignal = ctx.signal;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal?.aborted) throw abortedError(ctx, 'before it was sent');
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
      if (!(await waitToRetry(ctx, attempt, { response: result.response }))) return result;
    } else {
      await waitToRetry(ctx, attempt, outcome);
    }
  }
}

/**
 * After attempt number `attempt` (from 0) failed or was answered with an error status: waits and
 * returns true when another attempt should be made, returns false when the answer stands, and throws
 * the typed error when a failure stands.
 */
async function waitToRetry(
  ctx: AttemptContext,
  attempt: number,
  outcome: { response: Response } | { error: unknown; timedOut: boolean },
): Promise<boolean> {
  const { policy } = ctx;
  const retriesLeft = attempt < policy.retries;
  let delay: number;
  if ('error' in outcome) {
    const failure = classify(outcome.error, outcome.timedOut, ctx);
    if (!(retriesLeft && failure instanceof ConnectionError && !failure.mayHaveBeenDelivered)) throw failure;
    delay = backoffDelay(policy, attempt);
    ctx.debug?.(`retry: ${failure.code} before sending; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
  } else {
    const { status, headers } = outcome.response;
    if (!retriesLeft || !isRetryableStatus(status)) return false;
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    // Retrying before the server's own time would only be turned away again: give up instead.
    if (retryAfter !== undefined && retryAfter > policy.maxDelayMs) return false;
    delay = retryAfter ?? backoffDelay(policy, attempt);
    ctx.debug?.(`retry: ${status}; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
  }
  try {
    await sleep(delay, ctx.signal);
  } catch {
    throw abortedError(ctx, 'while waiting to retry');
  }
  return true;
}
