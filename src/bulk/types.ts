// The types of createMany: what goes in (items, options), what comes out (one result per item).
import type { Digital99Error } from '../errors/classes.js';
import type { CreateMessageParams, Message } from '../messages/types.js';

/** One message to send: create's params, plus the caller's own `key` (never sent to the server). */
export type CreateManyItem = CreateMessageParams & {
  /** The caller's name for this message (a row id, a line number): echoed in its result. */
  key?: string;
};

/** Items as an array, any iterable, or an async iterable (read as the batch goes, never all at once). */
export type CreateManyInput<T extends CreateManyItem = CreateManyItem> = Iterable<T> | AsyncIterable<T>;

/**
 * A limiter shared with other processes: any object with Bottleneck's `schedule(fn)` shape, e.g. a
 * `new Bottleneck({ id, datastore: 'ioredis', minTime, ... })` clustered on Redis. Every request
 * of the batch (rate-limit retries too) holds one `schedule` job while in flight. The job itself
 * sends nothing, so a limiter that runs it again (Bottleneck's `failed` → retry) cannot post twice;
 * a limiter that throws, rejects or never runs it gets the item reported `failed` (not delivered).
 */
export interface BatchLimiter {
  schedule<R>(fn: () => Promise<R>): Promise<R>;
}

export interface CreateManyOptions<T extends CreateManyItem = CreateManyItem> {
  /**
   * Requests started in any 60 s (default 2,400: under the server's 3,000 per IP per minute). 0
   * turns pacing off, for a local server only. Not with `limiter`, which then carries the budget.
   */
  perMinute?: number;
  /**
   * Requests in flight at once. Left out: as many as the pace needs at the measured latency (rate ×
   * latency, with headroom), from 8 to 64; 8 with `perMinute: 0` or a `limiter`.
   */
  concurrency?: number;
  /**
   * Stops the batch: no item starts after it fires; requests in flight settle and are reported.
   * Items already read but not started are reported `failed` with an AbortedError (not
   * delivered), and the input is not read further.
   */
  signal?: AbortSignal;
  /** Items for which this returns true are not sent, and reported `skipped` (e.g. already in your journal). */
  skip?: (item: T, index: number) => boolean | Promise<boolean>;
  /**
   * Called, and awaited, right before an item's first request (once it has its turn under the
   * pace): e.g. to journal that it is being sent. What it throws stops the batch, and the results
   * end by throwing it.
   */
  beforeSend?: (item: T, index: number) => void | Promise<void>;
  /** Send a conversation's later messages even after one of its messages failed for good (default false). */
  continueAfterFailure?: boolean;
  /** A shared limiter (Bottleneck's `schedule(fn)` shape) instead of the built-in per-process pacing. */
  limiter?: BatchLimiter;
  /**
   * The length of the server's rate windows in ms (default 60,000, the real server's minute).
   * For tests against a server that emulates the limits with shorter windows; `perMinute` then
   * counts per window of this length.
   */
  windowMs?: number;
  /**
   * Looks for each message whose answer was lost (mayHaveBeenDelivered) in its conversation before
   * reporting it (messages.reconcile): found → `sent` with `reconciled: true`; else `failed` with
   * `reconciled: true` and `outcome` 'not_delivered' (safe to send again) or 'ambiguous'. The item
   * holds its conversation (and a place in `concurrency`) while it waits to settle (default 60 s;
   * `{ settleMs }` to change it). Needs a user's token.
   */
  reconcile?: boolean | { settleMs?: number };
  /**
   * Gives each message without a source_id one of its own (`99d-<uuid>`) when its conversation is
   * in an API inbox (asked once per conversation with conversations.get; never on other channels,
   * where an outgoing message with a source_id is not delivered), so that reconciling finds it by
   * that key. Needs a user's token.
   */
  autoSourceId?: boolean;
}

interface ResultBase {
  /** The item's position in the input, from 0. */
  index: number;
  /** The item's `key`, if it had one. */
  key: string | undefined;
}

/** What became of one item. `failed` errors say, in `mayHaveBeenDelivered`, whether it may have been posted. */
export type CreateManyResult =
  | (ResultBase & {
      status: 'sent';
      message: Message /** Found by reconciling (option `reconcile`) after its answer was lost. */;
      reconciled?: true;
    })
  | (ResultBase & {
      status: 'failed';
      error: Digital99Error;
      /** Reconciling (option `reconcile`) decided `outcome`. */
      reconciled?: true;
      /** not_delivered: not in the conversation, safe to send again; ambiguous: `candidates` could be it (`reason`). */
      outcome?: 'not_delivered' | 'ambiguous';
      candidates?: Message[];
      reason?: string;
      /** Reconciling itself failed (e.g. an agent-bot token may not list): the outcome stays unknown. */
      reconcileError?: Digital99Error;
    })
  | (ResultBase & { status: 'skipped' });
