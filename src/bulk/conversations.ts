// The per-conversation queues of a batch: items read but not started, in input order; at most one
// request in flight per conversation, so that its messages reach it in the order given; a
// conversation paused by the flood limit; a conversation stopped by a failure.

export interface Entry<T> {
  index: number;
  item: T;
  key: string | undefined;
  /** Which conversation the item goes to (account and display id). */
  conversation: string;
  /** beforeSend has run for it. */
  announced: boolean;
}

interface Conversation {
  /** Entries of it in `waiting`. */
  waiting: number;
  busy: boolean;
  pausedUntil: number;
  /** The message whose failure stops the rest. */
  failed: { index: number; key: string | undefined } | undefined;
}

export type NextEntry<T> =
  | { entry: Entry<T> }
  | { blocked: Entry<T>; by: { index: number; key: string | undefined } }
  | { wakeAt: number }
  | undefined;

/**
 * The conversation an item goes to. Items without usable ids each get their own (they fail their
 * input checks one by one, and must not hold up one another).
 */
export function conversationOf(item: unknown, index: number): string {
  const { account_id, conversation_id } = (item ?? {}) as { account_id?: unknown; conversation_id?: unknown };
  return Number.isSafeInteger(account_id) && Number.isSafeInteger(conversation_id)
    ? `${String(account_id)}/${String(conversation_id)}`
    : `#${index}`;
}

export class ConversationQueues<T> {
  /** In input order. At most the batch's look-ahead long. */
  private readonly waiting: Array<Entry<T>> = [];
  private readonly conversations = new Map<string, Conversation>();

  constructor(private readonly continueAfterFailure: boolean) {}

  get size(): number {
    return this.waiting.length;
  }

  private state(id: string): Conversation {
    let state = this.conversations.get(id);
    if (!state) {
      state = { waiting: 0, busy: false, pausedUntil: 0, failed: undefined };
      this.conversations.set(id, state);
    }
    return state;
  }

  add(entry: Entry<T>): void {
    this.waiting.push(entry);
    this.state(entry.conversation).waiting++;
  }

  /** The first entry that may start now: its conversation idle, unpaused and not stopped by a failure. */
  next(now: number): NextEntry<T> {
    const passed = new Set<string>();
    let wakeAt = Infinity;
    for (let i = 0; i < this.waiting.length; i++) {
      const entry = this.waiting[i]!;
      if (passed.has(entry.conversation)) continue;
      const state = this.state(entry.conversation);
      if (state.failed && !this.continueAfterFailure) {
        this.take(i, state);
        return { blocked: entry, by: state.failed };
      }
      passed.add(entry.conversation);
      if (state.busy) continue;
      if (state.pausedUntil > now) {
        wakeAt = Math.min(wakeAt, state.pausedUntil);
        continue;
      }
      this.take(i, state);
      state.busy = true;
      return { entry };
    }
    return wakeAt < Infinity ? { wakeAt } : undefined;
  }

  private take(i: number, state: Conversation): void {
    this.waiting.splice(i, 1);
    state.waiting--;
  }

  /** The conversation starts nothing before `until` (the flood limit turned it away). */
  pause(conversation: string, until: number): void {
    const state = this.state(conversation);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  /** A started entry settled; a failure stops the conversation's later entries. */
  settled(entry: Entry<T>, failed: boolean): void {
    const state = this.state(entry.conversation);
    state.busy = false;
    if (failed && !state.failed) state.failed = { index: entry.index, key: entry.key };
    this.forget(entry.conversation, state);
  }

  /** Removes and returns every waiting entry (the batch stopped). */
  drain(): Array<Entry<T>> {
    const all = this.waiting.splice(0);
    for (const entry of all) this.state(entry.conversation).waiting--;
    return all;
  }

  /** Idle conversations are dropped, so memory follows the look-ahead, not the input; failures are kept. */
  private forget(id: string, state: Conversation): void {
    if (state.waiting === 0 && !state.busy && !state.failed && state.pausedUntil <= performance.now()) this.conversations.delete(id);
  }
}
