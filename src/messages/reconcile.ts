// client.messages.reconcile(error): whether a message whose answer was lost is in the conversation.
// It reads the conversation backwards from the latest message until the messages are older than
// the send (messages.list with `before`), on the server's clock (estimated from the listing's Date
// header), and compares them with what the error remembers of the send (errors/sent-record.ts,
// delivery-match.ts). Found → delivered at once. Not found → it waits until the server can no longer
// be working on the request (settleMs after the last attempt ended), looks again, and only then
// says not_delivered.
import { AbortedError, Digital99Error, InvalidInputError } from '../errors/classes.js';
import type { SentFingerprint } from '../errors/sent-record.js';
import { checkSignal } from '../core/retry-options.js';
import { sleep } from '../internal/sleep.js';
import { type MatchResult, type MatchWindow, matchSent, windowSeconds } from './delivery-match.js';
import type { ListMessagesParams, MessageList } from './list.js';
import type { ReadAnswer } from './read.js';
import type { Message, RequestOptions } from './types.js';

/**
 * The default settle time: the server (Chatwoot behind rack-timeout, with the gem's defaults) drops
 * a request that waited 30 s in its queue and aborts one that ran 15 s, so 45 s after the last
 * attempt ended it can no longer be saving the message; 15 s more for proxies and clocks.
 */
export const defaultSettleMs = 60_000;

/** How many messages reconcile reads back before it gives up (ambiguous): 50 pages of 20. */
export const defaultMaxMessages = 1_000;

export interface ReconcileOptions {
  /**
   * How long after the last attempt ended the server may still save the message (default 60,000:
   * the server's 30 s queue timeout + 15 s request timeout + margin). Lower it only if you know
   * your server's timeouts.
   */
  settleMs?: number;
  /** Stops the looking and the waiting (rejects with AbortedError; the outcome stays unknown). */
  signal?: AbortSignal;
  /** How many messages to read back at most (default 1,000); past it, the outcome is ambiguous. */
  maxMessages?: number;
}

export type ReconcileResult =
  /** The message is in the conversation: do not send it again. */
  | { outcome: 'delivered'; message: Message }
  /** It is not, and the server can no longer be saving it: safe to send again. */
  | { outcome: 'not_delivered' }
  /** Several messages could be it, or not enough could be read: a person must look. */
  | { outcome: 'ambiguous'; candidates: Message[]; reason: string };

/** client.messages.reconcile. */
export interface MessageReconcile {
  /**
   * For an error of create with `mayHaveBeenDelivered: true`: whether the message is in the
   * conversation. `delivered` at once when found; otherwise it waits until `settleMs` after the last
   * attempt ended, looks again, then says `not_delivered`. `ambiguous` when several messages could
   * be it. Needs a user's token (agent-bot tokens cannot list messages).
   */
  reconcile(error: unknown, options?: ReconcileOptions): Promise<ReconcileResult>;
}

type ListWithResponse = (params: ListMessagesParams, requestOptions?: RequestOptions) => Promise<ReadAnswer<MessageList>>;

function checkOptions(options: ReconcileOptions | undefined) {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidInputError('options', 'messages.reconcile(error, options): options must be an object such as { settleMs: 60000 }.');
  }
  const { settleMs = defaultSettleMs, maxMessages = defaultMaxMessages } = options ?? {};
  if (typeof settleMs !== 'number' || !Number.isFinite(settleMs) || settleMs < 0) {
    throw new InvalidInputError('settleMs', `settleMs: must be a non-negative number of milliseconds, got ${String(settleMs)}.`);
  }
  if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) {
    throw new InvalidInputError('maxMessages', `maxMessages: must be a positive whole number, got ${String(maxMessages)}.`);
  }
  return { settleMs, maxMessages, signal: checkSignal(options?.signal, 'reconcile: signal') };
}

/** The fingerprint an error of create carries, or an error that says why this one cannot be reconciled. */
export function sentRecordOf(error: unknown): SentFingerprint {
  const sent = error instanceof Digital99Error ? error.sent : undefined;
  if (sent !== undefined) return sent;
  if (error instanceof Digital99Error && !error.mayHaveBeenDelivered) {
    throw new InvalidInputError(
      'error',
      `messages.reconcile: this error says nothing was posted (mayHaveBeenDelivered: false); it is safe to send the message again.`,
    );
  }
  throw new InvalidInputError(
    'error',
    'messages.reconcile: pass an error thrown by messages.create (or reported by createMany) with mayHaveBeenDelivered: true; this one does not say what was sent.',
  );
}

/** The server's clock minus ours, and how far that may be off, from a listing's Date header (whole seconds). */
function clockOf(answer: ReadAnswer<unknown>, startedAt: number): Omit<MatchWindow, 'until'> {
  const date = Date.parse(answer.response.headers.get('date') ?? '');
  // Without a Date header our clock stands in, with a wide margin.
  if (Number.isNaN(date)) return { offsetMs: 0, skewMs: 120_000 };
  const roundTrip = Math.max(0, answer.receivedAt - startedAt);
  // The header is truncated to the second: the server's time was within [date, date + 1 s) at some point of the round trip.
  return { offsetMs: date + 500 - answer.receivedAt, skewMs: 1_500 + roundTrip };
}

export function createReconcile(listWithResponse: ListWithResponse) {
  /** One look at the conversation: from the latest message back until they are older than the send. */
  async function look(sent: SentFingerprint, maxMessages: number, signal: AbortSignal | undefined): Promise<MatchResult<Message>> {
    const { account_id, conversation_id } = sent;
    const read: Message[] = [];
    let window: MatchWindow | undefined;
    let before: number | undefined;
    for (;;) {
      const startedAt = Date.now();
      const answer = await listWithResponse({ account_id, conversation_id, ...(before === undefined ? {} : { before }) }, { signal });
      window ??= { ...clockOf(answer, startedAt), until: answer.receivedAt };
      // Only what is older than the page before (a server that ignored `before` would repeat it).
      const page = answer.data.payload.filter((message) => before === undefined || message.id < before);
      read.unshift(...page);
      const oldest = page[0];
      // The start of the conversation, or of the window: nothing older can be the message.
      if (oldest === undefined || oldest.created_at < windowSeconds(sent, window).from) break;
      if (read.length >= maxMessages) {
        const match = matchSent(sent, read, window);
        if (match.found === 'one' && sent.source_id !== null) return match;
        return {
          found: 'several',
          candidates: match.found === 'one' ? [match.message] : match.found === 'several' ? match.candidates : [],
          reason: `read ${read.length} messages back (maxMessages) and the conversation has more since the message was sent; look in the conversation, or raise maxMessages`,
        };
      }
      before = oldest.id;
    }
    return matchSent(sent, read, window);
  }

  function resultOf(match: MatchResult<Message>): ReconcileResult | undefined {
    if (match.found === 'one') return { outcome: 'delivered', message: match.message };
    if (match.found === 'several') return { outcome: 'ambiguous', candidates: match.candidates, reason: match.reason };
    return undefined;
  }

  async function settle(
    sent: SentFingerprint,
    settleMs: number,
    maxMessages: number,
    signal: AbortSignal | undefined,
  ): Promise<ReconcileResult> {
    const first = resultOf(await look(sent, maxMessages, signal));
    if (first) return first;
    // Not there yet, but the server may still be saving it: look again once it cannot be.
    const settledAt = sent.endedAt + settleMs;
    if (Date.now() >= settledAt) return { outcome: 'not_delivered' };
    // A timer may fire a millisecond early: wait until the clock says so.
    for (let waitMs = settledAt - Date.now(); waitMs > 0; waitMs = settledAt - Date.now()) await sleep(waitMs, signal);
    return resultOf(await look(sent, maxMessages, signal)) ?? { outcome: 'not_delivered' };
  }

  return async function reconcile(error: unknown, options?: ReconcileOptions): Promise<ReconcileResult> {
    const sent = sentRecordOf(error);
    const { settleMs, maxMessages, signal } = checkOptions(options);
    try {
      return await settle(sent, settleMs, maxMessages, signal);
    } catch (failure) {
      // Wherever the abort landed (a listing, the wait), the outcome is as unknown as before.
      if (!signal?.aborted) throw failure;
      throw new AbortedError('messages.reconcile was aborted; whether the message was posted is still unknown.', true, signal.reason);
    }
  };
}
