// The conversations the mock knows: the messages it created, per conversation, and the two GETs
// answered from them as the server answers them: the message list (Chatwoot's MessageFinder and
// messages/index.json.jbuilder) and the conversation (conversations/show.json.jbuilder, through
// partials/_conversation.json.jbuilder). Every conversation exists; one that has no message yet is
// empty.
import { randomUUID } from 'node:crypto';
import { type CreatedMessage, MOCK_CONTACT, MOCK_INBOX_ID } from './created-message.js';

/** Chatwoot's channel type of the mocked inbox; `Channel::Api` unless startMockServer({ channel }) says otherwise. */
export const DEFAULT_CHANNEL = 'Channel::Api';

interface Conversation {
  readonly accountId: number;
  readonly id: number;
  readonly uuid: string;
  readonly createdAt: Date;
  /** Oldest first; ids increase with time, so this is also created_at order. */
  readonly messages: CreatedMessage[];
}

/** The query of `GET …/messages`, as the server reads it. */
export interface ListQuery {
  after?: string | null;
  before?: string | null;
  filter_internal_messages?: string | null;
}

export class ConversationStore {
  readonly #conversations = new Map<string, Conversation>();
  readonly #channel: string;

  constructor(channel: string) {
    this.#channel = channel;
  }

  /** The conversation, created empty on first sight (every id exists on the mock). */
  conversation(accountId: number, id: number, now: Date = new Date()): Conversation {
    const key = `${accountId}/${id}`;
    let found = this.#conversations.get(key);
    if (found === undefined) {
      found = { accountId, id, uuid: randomUUID(), createdAt: now, messages: [] };
      this.#conversations.set(key, found);
    }
    return found;
  }

  add(accountId: number, conversationId: number, message: CreatedMessage): void {
    this.conversation(accountId, conversationId).messages.push(message);
  }

  /** A message of this conversation by id or by source_id (Messages::InReplyToMessageBuilder's lookups). */
  find(accountId: number, conversationId: number, by: { id: number } | { source_id: string }): CreatedMessage | undefined {
    const { messages } = this.conversation(accountId, conversationId);
    return 'id' in by ? messages.find((message) => message.id === by.id) : messages.find((message) => message.source_id === by.source_id);
  }

  /** `GET …/conversations/{c}/messages`: `{ meta, payload }`. */
  list(accountId: number, conversationId: number, query: ListQuery): { meta: Record<string, unknown>; payload: CreatedMessage[] } {
    const conversation = this.conversation(accountId, conversationId);
    return {
      meta: {
        labels: [],
        additional_attributes: {},
        contact: MOCK_CONTACT,
        // No assignee: the jbuilder leaves the key out.
        agent_last_seen_at: null,
        assignee_last_seen_at: null,
      },
      payload: findMessages(conversation.messages, query),
    };
  }

  /** `GET …/conversations/{c}`: the conversation partial, `meta.channel` the inbox's channel type. */
  show(accountId: number, conversationId: number): Record<string, unknown> {
    const conversation = this.conversation(accountId, conversationId);
    const last = conversation.messages.at(-1);
    const lastNonActivity = [...conversation.messages].reverse().find((message) => message.message_type !== ACTIVITY);
    const createdAt = seconds(conversation.createdAt);
    const lastActivityAt = last?.created_at ?? createdAt;
    return {
      meta: { sender: MOCK_CONTACT, channel: this.#channel, hmac_verified: false },
      id: conversation.id,
      messages: last === undefined ? [] : [last],
      account_id: conversation.accountId,
      uuid: conversation.uuid,
      additional_attributes: {},
      agent_last_seen_at: 0,
      assignee_last_seen_at: 0,
      can_reply: true,
      contact_last_seen_at: 0,
      custom_attributes: {},
      inbox_id: MOCK_INBOX_ID,
      labels: [],
      muted: false,
      snoozed_until: null,
      status: 'open',
      created_at: createdAt,
      updated_at: conversation.createdAt.getTime() / 1000,
      timestamp: lastActivityAt,
      first_reply_created_at: 0,
      unread_count: 0,
      last_non_activity_message: lastNonActivity ?? null,
      last_activity_at: lastActivityAt,
      priority: null,
      waiting_since: 0,
      sla_policy_id: null,
    };
  }
}

const ACTIVITY = 2;

/**
 * MessageFinder#current_messages: after → id > after, oldest first, 100 at most; before → the 20
 * before it; both → after ≤ id < before, 1,000 at most; neither → the latest 20. Ruby's `present?`
 * and `to_i`: an empty value counts as absent, "12abc" as 12, "abc" as 0.
 */
export function findMessages(all: readonly CreatedMessage[], query: ListQuery): CreatedMessage[] {
  const messages = present(query.filter_internal_messages)
    ? all.filter((message) => !message.private && message.message_type !== ACTIVITY)
    : all;
  const after = present(query.after) ? toI(query.after) : undefined;
  const before = present(query.before) ? toI(query.before) : undefined;
  if (after !== undefined && before !== undefined) {
    return messages.filter((message) => message.id >= after && message.id < before).slice(0, 1_000);
  }
  if (before !== undefined) return messages.filter((message) => message.id < before).slice(-20);
  if (after !== undefined) return messages.filter((message) => message.id > after).slice(0, 100);
  return messages.slice(-20);
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Ruby's String#to_i: the leading integer, else 0. */
function toI(value: string): number {
  const match = /^\s*[+-]?\d+/.exec(value);
  return match === null ? 0 : Number.parseInt(match[0], 10);
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
