// messages.createMany: many messages through messages.create, paced under the server's limits, one
// at a time per conversation in input order, with results as they settle. The input is read only a
// bounded look-ahead in front of what is in flight, so its length does not matter.
import { AbortedError, ConfigurationError, Digital99Error, EarlierMessageFailedError, InvalidInputError } from '../errors/classes.js';
import type { CreateMessageParams, Message } from '../messages/types.js';
import { conversationOf, ConversationQueues, type Entry } from './conversations.js';
import { iteratorOf, resolveManyOptions, type ResolvedManyOptions } from './options.js';
import { Pacer } from './pacer.js';
import { rateLimitOf } from './rate-limits.js';
import { ResultStream } from './result-stream.js';
import type { CreateManyInput, CreateManyItem, CreateManyOptions, CreateManyResult } from './types.js';

/** messages.create, leaving rate-limit answers to the batch (its errors already redacted by the client). */
export type SendOne = (params: CreateMessageParams) => Promise<Message>;

/** Rate-limit answers one item may get before it is reported failed (each is followed by a wait of up to a window). */
export const maxRateLimitWaits = 10;

function keyText(index: number, key: string | undefined): string {
  return `message ${index}${key === undefined ? '' : ` (key ${JSON.stringify(key)})`}`;
}

export function createManyWith(send: SendOne) {
  /**
   * Sends every item (create's params, each with an optional `key` of yours) and yields one result
   * per item as it settles: `sent` with the message, `failed` with the typed error, or `skipped`.
   * Nothing is read or sent until the results are iterated.
   */
  return function createMany<T extends CreateManyItem>(
    items: CreateManyInput<T>,
    options?: CreateManyOptions<T>,
  ): AsyncIterable<CreateManyResult> {
    const resolved = resolveManyOptions(options);
    const iterator = iteratorOf(items);
    let started = false;
    return {
      [Symbol.asyncIterator]() {
        if (started) throw new ConfigurationError('createMany: its results can be iterated once; call createMany again for another batch.');
        started = true;
        return new Batch(iterator, resolved, send).results;
      },
    };
  };
}

class Batch<T extends CreateManyItem> {
  readonly results: ResultStream<CreateManyResult>;
  private readonly queues: ConversationQueues<T>;
  private readonly pacer: Pacer;
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

  constructor(
    private readonly iterator: Iterator<T> | AsyncIterator<T>,
    private readonly options: ResolvedManyOptions<T>,
    private readonly send: SendOne,
  ) {
    this.queues = new ConversationQueues(options.continueAfterFailure);
    this.pacer = new Pacer(options.perWindow, options.windowMs);
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

  private notStarted(entry: { index: number; key: string | undefined }): CreateManyResult {
    const error = new AbortedError(
      `${keyText(entry.index, entry.key)} was not sent: the batch was stopped before it started. Nothing was posted.`,
      false,
      this.options.signal?.reason,
    );
    return { index: entry.index, key: entry.key, status: 'failed', error };
  }

  /** Reads items while the look-ahead has room; one reader at a time. */
  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.stopped && !this.inputDone && this.outstanding < this.options.lookahead) {
        const next = await this.iterator.next();
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
        else if (rawKey !== undefined && typeof rawKey !== 'string') {
          const error = new InvalidInputError(
            'key',
            `${keyText(index, undefined)}: key must be a string, got ${typeof rawKey}. Nothing was sent.`,
          );
          this.report({ index, key, status: 'failed', error });
        } else if (this.options.skip && (await this.options.skip(item, index))) {
          this.report({ index, key, status: 'skipped' });
        } else {
          this.queues.add({ index, item, key, conversation: conversationOf(item, index), announced: false, rateLimited: 0 });
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

  /** Starts what may start now. */
  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency) {
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
      Math.max(0, at - performance.now()) + 1,
    );
  }

  /** One item, through its rate-limit retries, to a result (or back to its queue for the flood limit). */
  private async run(entry: Entry<T>): Promise<void> {
    const { item, index, key } = entry;
    let failed = false;
    let handedBack = false;
    try {
      const { key: _key, ...params } = item as CreateManyItem;
      for (;;) {
        if (this.stopped) {
          this.report(this.notStarted(entry));
          return;
        }
        try {
          await this.pacer.acquire();
        } catch {
          this.report(this.notStarted(entry));
          return;
        }
        if (!entry.announced) {
          // Once it has a slot: a journal then says "sending" only of what is about to be sent.
          entry.announced = true;
          try {
            await this.options.beforeSend?.(item, index);
          } catch (error) {
            this.pacer.release();
            throw error;
          }
        }
        let outcome: { message: Message } | { error: unknown };
        try {
          outcome = { message: await this.sendOnce(params as CreateMessageParams, entry) };
        } catch (error) {
          outcome = { error };
        } finally {
          this.pacer.release();
        }
        if ('message' in outcome) {
          this.report({ index, key, status: 'sent', message: outcome.message });
          return;
        }
        const error = outcome.error;
        if (!(error instanceof Digital99Error)) throw error;
        const limit = rateLimitOf(error, this.options.windowMs);
        if (limit && !this.stopped && entry.rateLimited < maxRateLimitWaits) {
          entry.rateLimited++;
          if (limit.scope === 'client') {
            this.pacer.pause(limit.waitMs);
            continue;
          }
          // Only this conversation waits; the slot goes to other conversations meanwhile.
          handedBack = true;
          this.queues.requeue(entry, performance.now() + limit.waitMs);
          this.running--;
          this.pump();
          return;
        }
        failed = true;
        this.report({ index, key, status: 'failed', error });
        return;
      }
    } catch (error) {
      // From beforeSend, or not a Digital99Error (a bug): the batch stops and the results end with it.
      this.fatal ??= { error };
      failed = true;
      this.stop();
    } finally {
      if (!handedBack) {
        this.queues.settled(entry, failed);
        this.running--;
        this.pump();
      }
    }
  }

  private sendOnce(params: CreateMessageParams, entry: Entry<T>): Promise<Message> {
    const { limiter } = this.options;
    if (!limiter) return this.send(params);
    // The limiter may run this long after it was queued: not once the batch has stopped.
    return limiter.schedule(() => {
      if (!this.stopped) return this.send(params);
      const result = this.notStarted(entry);
      return Promise.reject('error' in result ? result.error : new Error('stopped'));
    });
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
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
