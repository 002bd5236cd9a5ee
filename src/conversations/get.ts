// client.conversations.get: one conversation as the server renders it; `meta.channel` says the
// inbox's channel type (`Channel::Api` for API inboxes, the only channel where an outgoing message
// may carry a source_id and still be delivered). Read through the same request path as create.
import type { components } from '../../generated/schema.js';
import type { MessagesOptions, Send } from '../messages/create.js';
import { checkParamsObject, checkPathIds } from '../messages/input-checks.js';
import { readContext, readJson } from '../messages/read.js';
import type { RequestOptions } from '../messages/types.js';

export type Conversation = components['schemas']['Conversation'];

export interface GetConversationParams {
  /** The numeric id of the account. */
  account_id: number;
  /** The conversation's display id (the #number in the dashboard). */
  conversation_id: number;
}

/** client.conversations. */
export interface Conversations {
  /** The conversation; `meta.channel` is its inbox's channel type. Throws a Digital99Error subclass on any failure. */
  get(params: GetConversationParams, requestOptions?: RequestOptions): Promise<Conversation>;
}

export const conversationPath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}';

function isConversation(data: unknown): data is Conversation {
  const c = data as { id?: unknown; meta?: { channel?: unknown } } | null;
  return (
    typeof c === 'object' && c !== null && Number.isSafeInteger(c.id) && typeof c.meta === 'object' && typeof c.meta?.channel === 'string'
  );
}

export function createConversations(send: Send, options: MessagesOptions): Conversations {
  return {
    async get(params, requestOptions) {
      checkParamsObject(params, 'conversations.get', '');
      const { account_id, conversation_id } = checkPathIds(params);
      const ctx = readContext(requestOptions, options, 'conversations.get(params, options)');
      const path = `/api/v1/accounts/${account_id}/conversations/${conversation_id}`;
      const answer = await readJson(
        send,
        options,
        { url: conversationPath, path, params: { path: { account_id, conversation_id } }, ctx },
        isConversation,
        'a conversation',
      );
      return answer.data;
    },
  };
}
