// createMany's two options about unknown outcomes (issue 22), kept apart from the batch's loop:
// `autoSourceId` gives each message a source_id of its own when its conversation is in an API
// inbox (asked once per conversation with conversations.get), and `reconcile` looks, with
// messages.reconcile, for each message whose answer was lost before its result is reported. Both
// wrap the batch's send; `annotate` marks the results reconciling decided (`reconciled: true`).
import type { Conversations } from '../conversations/get.js';
import { ConfigurationError, Digital99Error } from '../errors/classes.js';
import type { CreateWithHooks } from '../messages/create.js';
import type { MessageReconcile, ReconcileResult } from '../messages/reconcile.js';
import type { CreateMessageParams, Message } from '../messages/types.js';
import type { CreateManyResult } from './types.js';

/** The channel type of API inboxes: the only one where an outgoing message with a source_id is still delivered. */
export const apiChannel = 'Channel::Api';

export interface UnknownOutcomeOptions {
  reconcile?: boolean | { settleMs?: number };
  autoSourceId?: boolean;
  signal?: AbortSignal;
}

/** What reconciling made of a failed item, kept until its result is reported. */
type Settled = { outcome: Exclude<ReconcileResult, { outcome: 'delivered' }> } | { reconcileError: Digital99Error };

function fail(message: string): never {
  throw new ConfigurationError(`createMany: ${message}`);
}

function checkOptions(options: UnknownOutcomeOptions) {
  const { reconcile, autoSourceId } = options;
  if (autoSourceId !== undefined && typeof autoSourceId !== 'boolean') fail('autoSourceId must be true or false.');
  if (reconcile === undefined || reconcile === false) return { reconcile: undefined, autoSourceId: autoSourceId === true };
  if (reconcile !== true && (typeof reconcile !== 'object' || reconcile === null)) {
    fail('reconcile must be true, false or { settleMs }, e.g. { reconcile: { settleMs: 60000 } }.');
  }
  const settleMs = reconcile === true ? undefined : reconcile.settleMs;
  if (settleMs !== undefined && (typeof settleMs !== 'number' || !Number.isFinite(settleMs) || settleMs < 0)) {
    fail(`reconcile.settleMs must be a non-negative number of milliseconds, got ${String(settleMs)}.`);
  }
  return { reconcile: settleMs === undefined ? {} : { settleMs }, autoSourceId: autoSourceId === true };
}

/**
 * The batch's send, with the options' work around it, and what marks the results: returns `send`
 * and an identity `annotate` when neither option is on.
 */
export function unknownOutcomes(
  client: { messages: object; conversations?: object },
  send: CreateWithHooks,
  options: UnknownOutcomeOptions = {},
): { send: CreateWithHooks; annotate(result: CreateManyResult): CreateManyResult } {
  const checked = checkOptions(options ?? {});
  const reconcileOptions = checked.reconcile;
  if (reconcileOptions === undefined && !checked.autoSourceId) return { send, annotate: (result) => result };
  const { reconcile } = client.messages as Partial<MessageReconcile>;
  const conversations = client.conversations as Partial<Conversations> | undefined;
  if (reconcileOptions && typeof reconcile !== 'function') fail('reconcile needs a client made by createClient().');
  if (checked.autoSourceId && typeof conversations?.get !== 'function') fail('autoSourceId needs a client made by createClient().');

  const channels = new Map<string, Promise<boolean>>();
  const delivered = new WeakSet<Message>();
  const settled = new WeakMap<Digital99Error, Settled>();

  /** Whether the conversation is in an API inbox: asked once per conversation. */
  function inApiInbox(params: CreateMessageParams): Promise<boolean> {
    const { account_id, conversation_id } = params;
    const key = `${account_id}/${conversation_id}`;
    let found = channels.get(key);
    if (found === undefined) {
      found = conversations!.get!({ account_id, conversation_id }, { signal: options.signal }).then((c) => c.meta.channel === apiChannel);
      channels.set(key, found);
    }
    return found;
  }

  const wrapped: CreateWithHooks = async (params, hooks, policy) => {
    let toSend = params;
    // Never on other channels: there an outgoing message carrying a source_id is not delivered.
    if (checked.autoSourceId && (params as { source_id?: unknown }).source_id === undefined && (await inApiInbox(params))) {
      toSend = { ...params, source_id: `99d-${globalThis.crypto.randomUUID()}` } as CreateMessageParams;
    }
    try {
      return await send(toSend, hooks, policy);
    } catch (error) {
      if (!reconcileOptions || !(error instanceof Digital99Error) || error.sent === undefined) throw error;
      let result: ReconcileResult;
      try {
        result = await reconcile!(error, { ...reconcileOptions, signal: options.signal });
      } catch (failure) {
        if (failure instanceof Digital99Error) settled.set(error, { reconcileError: failure });
        throw error;
      }
      if (result.outcome === 'delivered') {
        delivered.add(result.message);
        return result.message;
      }
      settled.set(error, { outcome: result });
      throw error;
    }
  };

  function annotate(result: CreateManyResult): CreateManyResult {
    if (result.status === 'sent') return delivered.has(result.message) ? { ...result, reconciled: true } : result;
    if (result.status !== 'failed') return result;
    const found = settled.get(result.error);
    if (found === undefined) return result;
    if ('reconcileError' in found) return { ...result, reconcileError: found.reconcileError };
    const { outcome } = found;
    return outcome.outcome === 'ambiguous'
      ? { ...result, reconciled: true, outcome: 'ambiguous', candidates: outcome.candidates, reason: outcome.reason }
      : { ...result, reconciled: true, outcome: 'not_delivered' };
  }

  return { send: wrapped, annotate };
}

/** The batch's results, each passed through `annotate` as it is taken (return() still stops the batch). */
export function annotatedResults<R>(results: AsyncIterator<R>, annotate: (result: R) => R): AsyncIterator<R> {
  return {
    next: async () => {
      const next = await results.next();
      return next.done ? next : { done: false, value: annotate(next.value) };
    },
    return: async () => (results.return ? results.return() : { done: true, value: undefined }),
  };
}
