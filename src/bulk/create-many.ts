// createMany(client, items, options): many messages through the client's create, paced under the
// server's limits, one at a time per conversation in input order, with results as they settle. It
// keeps no retry or wait rule of its own: every attempt of every item (retries included) passes this
// batch's pacer hook (core/request.ts AttemptHooks), which tells the pacer of rate limits. The input
// is read only a bounded look-ahead in front of what is in flight, so its length does not matter.
import type { AttemptHooks, Decision } from '../core/request.js';
import type { RetryPolicy } from '../core/retry-options.js';
import { AbortedError, ConfigurationError, Digital99Error, EarlierMessageFailedError, InvalidInputError } from '../errors/classes.js';
import { maxTimerMs } from '../internal/sleep.js';
import { type CreateWithHooks, createWithHooks } from '../messages/create.js';
import type { CreateMessageParams } from '../messages/types.js';
import { type Concurrency, fixedConcurrency, LatencyConcurrency } from './concurrency.js';
import { conversationOf, ConversationQueues, type Entry } from './conversations.js';
import { iteratorOf, resolveManyOptions, type ResolvedManyOptions } from './options.js';
import { Pacer } from './pacer.js';
import { annotatedResults, unknownOutcomes } from './reconcile-items.js';
import { ResultStream } from './result-stream.js';
import type { BatchLimiter, CreateManyInput, CreateManyItem, CreateManyOptions, CreateManyResult } from './types.js';

/** Rate-limit answers one item may get before it is reported failed (each is followed by a wait of up to a window). */
export const maxRateLimitWaits = 10;

/** A batch item's retry policy: the client's, plus rate-limit waits of their own, each up to a window. */
export function batchPolicy(clientPolicy: RetryPolicy, windowMs: number): RetryPolicy {
  // A window, plus the Date header's second and the jitter: what the next window may take.
  const windowWait = windowMs + 1_000 + 500;
  return { ...clientPolicy, rateLimitWaits: maxRateLimitWaits, windowMs, maxDelayMs: Math.max(clientPolicy.maxDelayMs, windowWait) };
}

function keyText(index: number, key: string | undefined): string {
  return `message ${index}${key === undefined ? '' : ` (key ${JSON.stringify(key)})`}`;
}

/**
 * Sends every item (create's params, each with an optional `key` of yours) through `client` and
 * yields one result per item as it settles: `sent` with the message, `failed` with the typed error,
 * or `skipped`. Nothing is read or sent until the results are iterated.
 */
export function createMany<T extends CreateManyItem>(
  client: { messages: object; conversations?: object },
  items: CreateManyInput<T>,
  options?: CreateManyOptions<T>,
): AsyncIterable<CreateManyResult> {
  const created = (client?.messages as { [createWithHooks]?: CreateWithHooks } | undefined)?.[createWithHooks];
  if (typeof created !== 'function') throw new ConfigurationError('createMany: client must be made by createClient().');
  const resolved = resolveManyOptions(options);
  // The options about lost answers (reconcile, autoSourceId) wrap the send and mark the results.
  const { send, annotate } = unknownOutcomes(client, created, options);
  const iterator = iteratorOf(items);
  let started = false;
  return {
    [Symbol.asyncIterator]() {
      if (started) throw new ConfigurationError('createMany: its results can be iterated once; call createMany again for another batch.');
      started = true;
      return annotatedResults(new Batch(iterator, resolved, send).results, annotate);
    },
  };
}

class Batch<T extends CreateManyItem> {
  readonly results: ResultStream<CreateManyResult>;
  private readonly queues: ConversationQueues<T>;
  private readonly pacer: Pacer;
  /** How many may be in flight: the caller's number, or one that follows the latency. */
  private readonly concurrency: Concurrency;
  private running = 0;
  /** Items read whose result the caller has not taken yet. */
  private outstanding = 0;
  private nextIndex = 0;
  private reading = false;
  private inputDone = false;
  private stopped = false;
  /** Thrown by the input, skip or beforeSend: the batch stops and the results end with it. */
  private fatal: { error: unknown } | undefined;
  private finished = false;
  private onFinished: Array<() => void> = [];
  private wake: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = () => this.stop();
  /** Aborted when the batch stops: cuts the items' waits between attempts short. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly iterator: Iterator<T> | AsyncIterator<T>,
    private readonly options: ResolvedManyOptions<T>,
    private readonly send: CreateWithHooks,
  ) {
    this.queues = new ConversationQueues(options.continueAfterFailure);
    this.pacer = new Pacer(options.perWindow, options.windowMs);
    this.concurrency = options.autoConcurrency
      ? new LatencyConcurrency(options.perWindow, options.windowMs)
      : fixedConcurrency(options.concurrency);
    this.results = new ResultStream(
      () => {
        this.outstanding--;
        void this.read();
      },
      () => this.stopAndWait(),
    );
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.stop();
    else void this.read();
  }

  private report(result: CreateManyResult): void {
    this.results.push(result);
  }

  private notStartedError(entry: { index: number; key: string | undefined }): AbortedError {
    return new AbortedError(
      `${keyText(entry.index, entry.key)} was not sent: the batch was stopped before it started. Nothing was posted.`,
      false,
      this.options.signal?.reason,
    );
  }

  private notStarted(entry: { index: number; key: string | undefined }): CreateManyResult {
    return { index: entry.index, key: entry.key, status: 'failed', error: this.notStartedError(entry) };
  }

  /** Reads items while the look-ahead has room; one reader at a time. */
  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.stopped && !this.inputDone && this.outstanding < this.options.lookahead) {
        const next = await this.nextItem();
        if (next === undefined) break; // stopped while the input was still reading
        if (next.done) {
          this.inputDone = true;
          break;
        }
        const item = next.value;
        const index = this.nextIndex++;
        this.outstanding++;
        const rawKey = (item as { key?: unknown } | null)?.key;
        const key = typeof rawKey === 'string' ? rawKey : undefined;
        if (this.stopped) this.report(this.notStarted({ index, key }));
        else if (typeof item !== 'object' || !item || Array.isArray(item)) {
          // Its type only: a string item could be anything, even a token.
          const got = item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item;
          const error = new InvalidInputError(
            'item',
            `${keyText(index, undefined)}: not an object of create params ({ account_id, conversation_id, content }) but ${got}.`,
          );
          this.report({ index, key, status: 'failed', error });
        } else if (rawKey !== undefined && typeof rawKey !== 'string') {
          const error = new InvalidInputError(
            'key',
            `${keyText(index, undefined)}: key must be a string, got ${typeof rawKey}. Nothing was sent.`,
          );
          this.report({ index, key, status: 'failed', error });
        } else if (this.options.skip && (await this.options.skip(item, index))) {
          this.report({ index, key, status: 'skipped' });
        } else {
          this.queues.add({ index, item, key, conversation: conversationOf(item, index), announced: false });
          this.pump();
        }
      }
    } catch (error) {
      this.fatal ??= { error };
      this.stop();
    } finally {
      this.reading = false;
      this.settle();
    }
  }

  /**
   * The input's next item, or undefined once the batch stops first: an input stuck in next() must
   * not hold the batch (stop() then asks it to return()). What it settles with later is dropped.
   */
  private nextItem(): Promise<IteratorResult<T> | undefined> {
    const { signal } = this.stopping;
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const onStop = () => resolve(undefined);
      signal.addEventListener('abort', onStop, { once: true });
      Promise.resolve()
        .then(() => this.iterator.next())
        .then(
          (next) => {
            signal.removeEventListener('abort', onStop);
            resolve(next);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onStop);
            reject(error);
          },
        );
    });
  }

  /** Starts what may start now. */
  private pump(): void {
    while (!this.stopped && this.running < this.concurrency.limit) {
      const next = this.queues.next(performance.now());
      if (next === undefined) break;
      if ('wakeAt' in next) {
        this.wakeAt(next.wakeAt);
        break;
      }
      if ('blocked' in next) {
        const { blocked, by } = next;
        const error = new EarlierMessageFailedError(
          `${keyText(blocked.index, blocked.key)} was not sent: ${keyText(by.index, by.key)} to the same conversation failed before it, ` +
            'and a conversation gets its messages in order. Nothing was posted; createMany(items, { continueAfterFailure: true }) sends the rest anyway.',
          by.index,
          by.key,
        );
        this.report({ index: blocked.index, key: blocked.key, status: 'failed', error });
        continue;
      }
      this.running++;
      void this.run(next.entry);
    }
    this.settle();
  }

  private wakeAt(at: number): void {
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.pump();
      },
      // Clamped: a longer delay makes setTimeout fire at once, and the wake would spin.
      Math.min(maxTimerMs, Math.max(0, at - performance.now()) + 1),
    );
  }

  /** One item, through all its attempts (each paced by hooksFor), to its result. */
  private async run(entry: Entry<T>): Promise<void> {
    const { item, index, key } = entry;
    let failed = false;
    const hookFailure: { error?: unknown } = {};
    try {
      const { key: _key, ...params } = item as CreateManyItem;
      const message = await this.send(params as CreateMessageParams, this.hooksFor(entry, hookFailure), (policy) =>
        batchPolicy(policy, this.options.windowMs),
      );
      this.report({ index, key, status: 'sent', message });
    } catch (error) {
      if (error instanceof Digital99Error && !('error' in hookFailure)) {
        failed = true;
        this.report({ index, key, status: 'failed', error });
      } else {
        // From beforeSend or the input, or not a Digital99Error (a bug): the batch stops and the results end with it.
        this.fatal ??= { error };
        failed = true;
        this.stop();
      }
    } finally {
      this.queues.settled(entry, failed);
      this.running--;
      this.pump();
    }
  }

  /**
   * The pacer hook of one item: each attempt waits for the batch's pace (or its limiter) and counts
   * in it; a 429 pauses every item until the window the wait was decided for, a flood limit only
   * this conversation (which this item holds until it settles).
   */
  private hooksFor(entry: Entry<T>, hookFailure: { error?: unknown }): AttemptHooks {
    let done: (() => void) | undefined;
    let measured: (() => void) | undefined;
    const notStarted = () => this.notStartedError(entry);
    /** The limiter failed this item's job while an attempt was in flight: no further attempt goes out. */
    let limiterFailed: { error: unknown } | undefined;
    // Only an answer the server cannot have processed is retried: nothing of this item was posted.
    const limiterError = (error: unknown) =>
      new AbortedError(`${keyText(entry.index, entry.key)} was not sent: the batch's limiter failed (${String(error)}).`, false, error);
    return {
      waitSignal: this.stopping.signal,
      beforeAttempt: async () => {
        if (this.stopped) throw notStarted();
        if (limiterFailed) throw limiterError(limiterFailed.error);
        done = await this.acquire((error) => {
          limiterFailed ??= { error };
        }).catch((error: unknown) => {
          throw this.stopped ? notStarted() : limiterError(error);
        });
        if (this.stopped) {
          done();
          throw notStarted();
        }
        if (!entry.announced) {
          // Once it has a slot: a journal then says "sending" only of what is about to be sent.
          entry.announced = true;
          try {
            await this.options.beforeSend?.(entry.item, entry.index);
          } catch (error) {
            done();
            hookFailure.error = error;
            throw error;
          }
        }
        // Stopped while beforeSend ran: its request must not go out.
        if (this.stopped) {
          done();
          throw notStarted();
        }
        // The attempt's own time, the latency that sets the number in flight.
        measured = this.concurrency.attemptStarted();
      },
      afterAttempt: (decision: Decision) => {
        measured?.();
        done?.();
        done = undefined;
        if (!decision.retry) return;
        if (decision.rateLimit === 'client') this.pacer.pause(decision.waitMs);
        // The item keeps its conversation (and its place in `concurrency`) through the wait.
        if (decision.rateLimit === 'conversation') this.queues.pause(entry.conversation, performance.now() + decision.waitMs);
      },
    };
  }

  /**
   * A turn for one attempt: from the pacer (its pace, or with a limiter only its pause after a 429),
   * then from the limiter when there is one. Resolves to what gives the turn back. `lateFailure`
   * hears of a limiter failing the job after it gave the turn (the attempt is then in flight).
   */
  private async acquire(lateFailure: (error: unknown) => void): Promise<() => void> {
    await this.pacer.acquire();
    const { limiter } = this.options;
    if (!limiter) return () => this.pacer.release();
    try {
      const giveBack = await this.limiterTurn(limiter, lateFailure);
      return () => {
        giveBack();
        this.pacer.release();
      };
    } catch (error) {
      this.pacer.release();
      throw error;
    }
  }

  /**
   * The limiter paces jobs: each attempt is one, and the job only holds the turn until the attempt
   * settles. The job never sends anything, so a limiter that runs it again (Bottleneck's `failed` →
   * retry recipe) cannot post twice: a second run returns at once. A limiter that fails the job
   * before running it (throws, rejects, resolves without running it) rejects the turn; one that
   * fails it afterwards (Bottleneck's `expiration`) is told to `lateFailure`. Stopping the batch
   * ends a wait for the limiter at once.
   */
  private limiterTurn(limiter: BatchLimiter, lateFailure: (error: unknown) => void): Promise<() => void> {
    const { signal } = this.stopping;
    return new Promise((resolve, reject) => {
      let state: 'waiting' | 'running' | 'over' = 'waiting';
      const refuse = (error: unknown) => {
        if (state !== 'waiting') return;
        state = 'over';
        signal.removeEventListener('abort', onStop);
        reject(error);
      };
      const onStop = () => refuse(new Error('stopped'));
      signal.addEventListener('abort', onStop, { once: true });
      if (signal.aborted) onStop();
      const job = () => {
        if (state !== 'waiting') return Promise.resolve();
        state = 'running';
        signal.removeEventListener('abort', onStop);
        return new Promise<void>((done) => resolve(done));
      };
      Promise.resolve()
        .then(() => limiter.schedule(job))
        .then(
          () => refuse(new Error('schedule() resolved without running the job')),
          (error: unknown) => {
            if (state === 'running') lateFailure(error);
            else refuse(error);
          },
        );
    });
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    this.pacer.cancelWaiting(new Error('stopped'));
    for (const entry of this.queues.drain()) this.report(this.notStarted(entry));
    if (!this.inputDone) {
      this.inputDone = true;
      // Close the input (a file, a cursor); what it throws on closing is of no use now.
      void Promise.resolve()
        .then(() => this.iterator.return?.())
        .catch(() => {});
    }
    this.settle();
  }

  private stopAndWait(): Promise<void> {
    this.stop();
    return this.finished ? Promise.resolve() : new Promise((resolve) => this.onFinished.push(resolve));
  }

  /** Ends the results once nothing is in flight, waiting or being read. */
  private settle(): void {
    if (this.finished || this.running > 0 || this.reading || this.queues.size > 0 || !(this.inputDone || this.stopped)) return;
    this.finished = true;
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.fatal) this.results.fail(this.fatal.error);
    else this.results.end();
    for (const resolve of this.onFinished.splice(0)) resolve();
  }
}
