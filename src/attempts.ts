// Runs one logical request as one or more attempts: a timeout per attempt, the caller's
// AbortSignal, retries only where the server cannot have processed the request, and every
// failure turned into a typed error. No timer or listener outlives the call.
import {
  AbortedError,
  ConnectionError,
  Digital99Error,
  TimeoutError,
  UnexpectedResponseError,
} from './errors.js';
import { backoffDelay, isNotSentCode, isRetryableStatus, maxTimerMs, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';

export interface AttemptContext {
  policy: RetryPolicy;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** e.g. "POST /api/v1/accounts/1/conversations/42/messages", for messages. */
  what: string;
  debug: ((line: string) => void) | undefined;
}

function errorCode(error: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(error);
}

/** Turns what a failed attempt threw into a typed error. */
function classify(error: unknown, timedOut: boolean, ctx: AttemptContext): Digital99Error {
  if (error instanceof Digital99Error) return error;
  if (timedOut) {
    return new TimeoutError(
      `${ctx.what} timed out after ${ctx.timeoutMs} ms. The server may still have posted the message: ` +
        'check the conversation before sending it again.',
      ctx.timeoutMs,
      true,
    );
  }
  if (ctx.signal?.aborted) {
    return new AbortedError(
      `${ctx.what} was aborted by the caller while in flight; the server may have posted the message.`,
      true,
      ctx.signal.reason,
    );
  }
  if (error instanceof SyntaxError) {
    // JSON.parse's message quotes the start of the body, which may echo the token: leave it out.
    return new UnexpectedResponseError(`${ctx.what}: the response body is not valid JSON.`, 0, '');
  }
  const code = errorCode(error);
  if (isNotSentCode(code)) {
    return new ConnectionError(
      `${ctx.what} could not connect (${code}): nothing was sent. ${describeCause(error)}`,
      { mayHaveBeenDelivered: false, code },
    );
  }
  // Only a message and a code are kept: low-level errors can hold sockets and request objects.
  return new ConnectionError(
    `${ctx.what} failed without a complete response (${code ?? 'network error'}: ${describeCause(error)}). ` +
      'The server may have posted the message: check the conversation before sending it again.',
    { mayHaveBeenDelivered: true, code },
  );
}

const timeoutReason = Symbol('timeout');

export async function runAttempts<T extends { response: Response }>(
  run: (signal: AbortSignal) => Promise<T>,
  ctx: AttemptContext,
): Promise<T> {
  const { policy, signal: callerSignal } = ctx;
  for (let attempt = 0; ; attempt++) {
    if (callerSignal?.aborted) {
      throw new AbortedError(`${ctx.what} was aborted by the caller before it was sent; nothing was posted.`, false, callerSignal.reason);
    }
    const controller = new AbortController();
    let timedOut = false;
    // A longer delay would make setTimeout fire at once: a timeout of weeks is no timeout at all.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(timeoutReason);
    }, Math.min(ctx.timeoutMs, maxTimerMs));
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onAbort, { once: true });

    let result: T | undefined;
    let failure: Digital99Error | undefined;
    try {
      result = await run(controller.signal);
    } catch (error) {
      failure = classify(error, timedOut, ctx);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }

    const retriesLeft = attempt < policy.retries;
    let delay: number | undefined;
    if (failure) {
      if (!(retriesLeft && failure instanceof ConnectionError && !failure.mayHaveBeenDelivered)) throw failure;
      delay = backoffDelay(policy, attempt);
      ctx.debug?.(`retry: ${failure.code} before sending; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
    } else {
      const response = (result as T).response;
      if (!retriesLeft || !isRetryableStatus(response.status)) return result as T;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      // Retrying before the server's own time would only be turned away again: give up instead.
      if (retryAfter !== undefined && retryAfter > policy.maxDelayMs) return result as T;
      delay = retryAfter ?? backoffDelay(policy, attempt);
      ctx.debug?.(`retry: ${response.status}; attempt ${attempt + 2} of ${policy.retries + 1} in ${delay} ms`);
    }
    try {
      await sleep(delay, callerSignal);
    } catch {
      throw new AbortedError(
        `${ctx.what} was aborted by the caller while waiting to retry; nothing was posted.`,
        false,
        callerSignal?.reason,
      );
    }
  }
}
