// Runs one logical request as one or more attempts: a timeout per attempt, the caller's AbortSignal,
// and after a failure or an error status, a wait and another attempt when the policy allows it. No
// timer or listener outlives the call.
import { AbortedError, ConnectionError } from '../errors/classes.js';
import { abortedError, classify, type FailureContext } from '../errors/from-network.js';
import { isFloodLimit } from '../errors/retry-after.js';
import { backoffDelay, jitterMs, retryWait, type RetryPolicy } from './policy.js';
import { maxTimerMs, sleep } from './sleep.js';

export interface AttemptContext extends FailureContext {
  policy: RetryPolicy;
  /** Already redacted by the client (see errors/redaction.ts). */
  debug: ((line: string) => void) | undefined;
  /**
   * A rate-limit answer (429, or a 422 such as the per-conversation flood limit) stands at once,
   * unretried: messages.createMany paces and retries those itself, for the whole batch.
   */
  leaveRateLimits?: boolean;
}

const timeoutReason = Symbol('timeout');

export async function runAttempts<T extends { response: Response; error?: unknown }>(
  run: (signal: AbortSignal) => Promise<T>,
  ctx: AttemptContext,
): Promise<T> {
  // A signal that is no AbortSignal was refused before (client/transport.ts guardPerCallInit, which every call passes).
  const callerSignal = ctx.signal;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal?.aborted) throw abortedError(ctx, 'before it was sent');
    const controller = new AbortController();
    // What stopped the attempt first, if anything did: decides the error, whatever was thrown (a
    // caller may abort with any reason, even another call's Digital99Error).
    let stoppedBy: 'timeout' | 'caller' | undefined;
    // A longer delay would make setTimeout fire at once: a timeout of weeks is no timeout at all.
    const timer = setTimeout(
      () => {
        stoppedBy ??= 'timeout';
        controller.abort(timeoutReason);
      },
      Math.min(ctx.timeoutMs, maxTimerMs),
    );
    const onAbort = () => {
      stoppedBy ??= 'caller';
      controller.abort(callerSignal?.reason);
    };
    callerSignal?.addEventListener('abort', onAbort, { once: true });

    let outcome: { result: T } | { error: unknown };
    try {
      outcome = { result: await run(controller.signal) };
    } catch (error) {
      outcome = { error };
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }
    if ('result' in outcome) {
      const { result } = outcome;
      if (result.response.ok || attempt >= ctx.policy.retries) return result;
      // createMany waits out rate limits for the whole batch: it gets them at once.
      if (ctx.leaveRateLimits && (result.response.status === 429 || result.response.status === 422)) return result;
      // openapi-fetch has read an error answer's body into `error` (parsed when it is JSON).
      if (!(await waitToRetry(ctx, attempt, { response: result.response, body: result.error }))) return result;
    } else if (stoppedBy === 'caller') {
      // In flight: the server may have the whole request, whatever the reason object says.
      throw new AbortedError(
        `${ctx.what} was aborted by the caller while in flight; the server may have posted the message.`,
        true,
        callerSignal?.reason,
      );
    } else {
      await waitToRetry(ctx, attempt, { error: outcome.error, timedOut: stoppedBy === 'timeout' });
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
  outcome: { response: Response; body: unknown } | { error: unknown; timedOut: boolean },
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
    if (!retriesLeft) return false;
    const wait = retryWait(status, headers, status === 422 && isFloodLimit(outcome.body));
    // Retrying before the server's own time would only be turned away again: give up instead (the
    // error carries the wait, RateLimitError.retryAfterMs).
    if (wait === undefined || wait.ms > policy.maxDelayMs) return false;
    delay = wait.guessed ? Math.min(policy.maxDelayMs, wait.ms + jitterMs()) : wait.ms;
    ctx.debug?.(`retry: ${status}; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
  }
  try {
    await sleep(delay, ctx.signal);
  } catch {
    throw abortedError(ctx, 'while waiting to retry');
  }
  return true;
}
