// One logical request, start to end, as one straight loop of attempts: wait for the pacer hook →
// send (a timeout per attempt, the caller's AbortSignal) → classify the outcome → decideRetry says
// "retry after N ms" or "stand" → wait → again. Every rule about retrying and waiting is in this file
// (the Retry-After parsing it reads is in internal/retry-after.ts); no timer or listener outlives the call.
import { AbortedError, ConnectionError, type Digital99Error } from '../errors/classes.js';
import { abortedError, classify } from '../errors/from-network.js';
import { isFloodLimit, parseRetryAfter, rateLimitWait, untilNextWindow } from '../internal/retry-after.js';
import { maxTimerMs, sleep } from '../internal/sleep.js';
import type { RetryPolicy } from './retry-options.js';

/** What openapi-fetch gives back for one attempt. */
export interface AttemptResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Sends one attempt through `fetch`, the attempt's own fetch (it carries the attempt's signal). */
export type SendAttempt<T extends AttemptResult> = (fetch: (request: Request) => Promise<Response>) => Promise<T>;

/** What one attempt came to, as decideRetry reads it. */
export type Outcome = { kind: 'answer'; response: Response; body: unknown } | { kind: 'failure'; error: Digital99Error };

/**
 * What decideRetry made of an attempt. `rateLimit` says which of the server's limits turned it away
 * (`client`: the per-IP 429, `conversation`: the flood limit's 422), for a pacer to pass it on.
 */
export type Decision =
  | { retry: true; waitMs: number; rateLimit: 'client' | 'conversation' | undefined }
  | { retry: false; rateLimit: 'client' | 'conversation' | undefined };

/**
 * The pacer hook: createMany's way into every attempt of a call (retries included). A single call
 * has none.
 */
export interface AttemptHooks {
  /** Before every attempt: resolves when it may start. What it throws ends the call as is. */
  beforeAttempt(attempt: number): Promise<void>;
  /** After every attempt (also one that failed to send), with what was decided about it. */
  afterAttempt(decision: Decision, outcome: Outcome): void;
  /** Cuts a wait between attempts short (the call then fails with AbortedError, nothing posted). */
  waitSignal?: AbortSignal;
}

export interface CallContext {
  /** e.g. "POST /api/v1/accounts/1/conversations/42/messages". */
  what: string;
  policy: RetryPolicy;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Already redacting (client/options.ts). */
  debug: ((line: string) => void) | undefined;
  hooks?: AttemptHooks | undefined;
  /** The guarded transport (client/transport.ts): sends the request openapi-fetch built, with the attempt's signal. */
  transport: (request: Request, signal: AbortSignal) => Promise<Response>;
}

/** Retries made so far, counted apart: rate-limit waits have their own allowance when the policy sets one. */
export interface Counts {
  retries: number;
  rateLimitWaits: number;
}

/** Sends the request, retrying as decideRetry says; resolves with the last answer or throws the typed failure. */
export async function sendWithRetries<T extends AttemptResult>(send: SendAttempt<T>, ctx: CallContext): Promise<T> {
  const counts: Counts = { retries: 0, rateLimitWaits: 0 };
  for (let attempt = 0; ; attempt++) {
    if (ctx.signal?.aborted) throw abortedError(ctx, 'before it was sent');
    await ctx.hooks?.beforeAttempt(attempt);
    const sent = await attemptOnce(send, ctx);
    const outcome: Outcome = 'result' in sent ? { kind: 'answer', response: sent.result.response, body: sent.result.error } : sent;
    const decision = decideRetry(outcome, counts, ctx.policy);
    ctx.hooks?.afterAttempt(decision, outcome);
    if (!decision.retry) {
      if ('result' in sent) return sent.result;
      throw sent.error;
    }
    if (decision.rateLimit && ctx.policy.rateLimitWaits !== undefined) counts.rateLimitWaits++;
    else counts.retries++;
    // A read is also retried after a lost answer: only an unsent request is "before sending".
    const unsent = outcome.kind === 'failure' && !outcome.error.mayHaveBeenDelivered ? ' before sending' : '';
    const why = outcome.kind === 'answer' ? String(outcome.response.status) : `${(outcome.error as ConnectionError).code}${unsent}`;
    const of = ctx.policy.rateLimitWaits === undefined ? ` of ${ctx.policy.retries + 1}` : '';
    ctx.debug?.(`retry: ${why}; attempt ${attempt + 2}${of} in ${decision.waitMs} ms`);
    await waitBetweenAttempts(decision.waitMs, ctx);
  }
}

const timeoutReason = Symbol('timeout');
const attemptOver = Symbol('attempt over');

/** One attempt with its timeout and the caller's signal: the answer, or the typed failure. */
async function attemptOnce<T extends AttemptResult>(
  send: SendAttempt<T>,
  ctx: CallContext,
): Promise<{ result: T } | { kind: 'failure'; error: Digital99Error }> {
  const callerSignal = ctx.signal;
  const controller = new AbortController();
  // What stopped the attempt first decides the error, whatever was thrown (a caller may abort with
  // any reason, even another call's Digital99Error).
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
  let bodyLeft = false;
  try {
    const result = await send((request) => ctx.transport(request, controller.signal));
    // A body handed on unread (client.api's parseAs: 'stream') must not be cut by the abort below.
    bodyLeft = result.response.body !== null && !result.response.bodyUsed;
    return { result };
  } catch (error) {
    if (stoppedBy === 'caller') {
      // In flight: the server may have the whole request, whatever the reason object says.
      throw new AbortedError(
        `${ctx.what} was aborted by the caller while in flight; the server may have posted the message.`,
        true,
        callerSignal?.reason,
      );
    }
    return { kind: 'failure', error: classify(error, stoppedBy === 'timeout', ctx) };
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onAbort);
    // The attempt is over (its answer read, or failed): aborting its signal now frees what Node's
    // fetch keeps for it, which is otherwise held in a FinalizationRegistry, through every young-
    // generation GC, until a full GC (with the whole request graph: ~6 MB of peak at 1,000 requests/s).
    if (!bodyLeft) controller.abort(attemptOver);
  }
}

/** Waits between two attempts; the caller's signal (or the hooks' waitSignal) cuts it short. */
async function waitBetweenAttempts(ms: number, ctx: CallContext): Promise<void> {
  const signals = [ctx.signal, ctx.hooks?.waitSignal].filter((s): s is AbortSignal => s !== undefined);
  try {
    await sleep(ms, signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
  } catch {
    throw abortedError(ctx, 'while waiting to retry');
  }
}

/** The one jitter: up to `maxMs`, so that clients held back together do not all come back at once. */
export function jitter(maxMs: number, random = Math.random): number {
  return Math.round(random() * maxMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped at maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retryNumber);
  return Math.round(exp / 2) + jitter(exp / 2, random);
}

/**
 * The wait an error answer asks for when retrying it cannot post the message twice; undefined when
 * the answer stands. 429 and the flood limit's 422 refuse before anything is saved. A 503 counts
 * only with Retry-After (a server saying "come back later"): proxies (Envoy, Heroku's router) also
 * answer 503 after they forwarded the POST, and retrying that could post it twice. `windowMs` is the
 * server's limit window (a minute; shorter against an emulator in tests).
 */
export function retryWait(
  status: number,
  headers: Headers,
  floodLimited: boolean,
  windowMs = 60_000,
): { ms: number; guessed: boolean } | undefined {
  if (status === 429 || (status === 422 && floodLimited)) {
    const asked = rateLimitWait(headers, status === 429);
    if (!asked.guessed || windowMs === 60_000) return asked;
    // The flood limit's window slides: only a whole window is sure to have room.
    const untilNext = status === 429 ? untilNextWindow(headers.get('date'), windowMs) : undefined;
    return { ms: untilNext ?? windowMs, guessed: true };
  }
  if (status !== 503) return undefined;
  const ms = parseRetryAfter(headers.get('retry-after'));
  return ms === undefined ? undefined : { ms, guessed: false };
}

/** A read's backoff after a gateway's 502/503/504 (a POST's could have been processed): undefined for a write. */
function gatewayWait(status: number, counts: Counts, policy: RetryPolicy, random: () => number) {
  if (policy.idempotent !== true || (status !== 502 && status !== 503 && status !== 504)) return undefined;
  return { ms: backoffDelay(policy, counts.retries, random), guessed: false };
}

/**
 * THE decision, for every attempt of every call: retry after how many ms, or let the outcome stand.
 * Creating a message is not idempotent, so only what the server cannot have processed is retried:
 * a connection never made (backoff), a rate limit or a 503 with Retry-After (the server's wait, with
 * jitter when it is our guess). A wait past maxDelayMs stands instead: the error carries the wait
 * (RateLimitError.retryAfterMs). A read (`policy.idempotent`) is also retried after a lost
 * answer or a gateway's 502/503/504, with backoff.
 */
export function decideRetry(outcome: Outcome, counts: Counts, policy: RetryPolicy, random = Math.random): Decision {
  if (outcome.kind === 'failure') {
    const { error } = outcome;
    // A read may be sent again whatever became of it: it changes nothing.
    const again = error instanceof ConnectionError && (!error.mayHaveBeenDelivered || policy.idempotent === true);
    if (!again || counts.retries >= policy.retries) return { retry: false, rateLimit: undefined };
    return { retry: true, waitMs: backoffDelay(policy, counts.retries, random), rateLimit: undefined };
  }
  const { status, headers } = outcome.response;
  if (outcome.response.ok) return { retry: false, rateLimit: undefined };
  const floodLimited = status === 422 && isFloodLimit(outcome.body);
  const rateLimit = status === 429 ? 'client' : floodLimited ? 'conversation' : undefined;
  const allowance = rateLimit && policy.rateLimitWaits !== undefined ? policy.rateLimitWaits - counts.rateLimitWaits : undefined;
  if ((allowance ?? policy.retries - counts.retries) <= 0) return { retry: false, rateLimit };
  const windowMs = policy.windowMs ?? 60_000;
  const wait = retryWait(status, headers, floodLimited, windowMs) ?? gatewayWait(status, counts, policy, random);
  if (wait === undefined || wait.ms > policy.maxDelayMs) return { retry: false, rateLimit };
  const waitMs = wait.guessed ? Math.min(policy.maxDelayMs, wait.ms + jitter(Math.min(500, windowMs / 20), random)) : wait.ms;
  return { retry: true, waitMs, rateLimit };
}
