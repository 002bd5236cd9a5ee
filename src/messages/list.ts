// client.messages.list and listAll: a conversation's messages, read through the same request path
// as create (messages/read.ts). list is one window of the server's (MessageFinder: after, before,
// both, or the latest 20); listAll pages forward by `after` to the end.
import type { components } from '../../generated/schema.js';
import { InvalidInputError } from '../errors/classes.js';
import type { MessagesOptions, Send } from './create.js';
import { checkParamsObject, checkPathIds } from './input-checks.js';
import { type ReadAnswer, readContext, readJson } from './read.js';
import { isMessage } from './read-message.js';
import { createMessagePath } from './request.js';
import type { Message, RequestOptions } from './types.js';

/** A window of a conversation's messages, oldest first, with what the dashboard shows beside them. */
export type MessageList = components['schemas']['MessageList'];

export interface ListMessagesParams {
  /** The numeric id of the account. */
  account_id: number;
  /** The conversation's display id (the #number in the dashboard). */
  conversation_id: number;
  /** Only messages with a greater id, oldest first, at most 100 (with `before`: from this id on, at most 1,000). */
  after?: number;
  /** Only the 20 messages just before this id (with `after`: up to 1,000). */
  before?: number;
}

export interface ListAllMessagesParams {
  account_id: number;
  conversation_id: number;
  /** Every message with a greater id (default 0: all of them). */
  after?: number;
}

function isMessageList(data: unknown): data is MessageList {
  const list = data as Partial<MessageList> | null;
  return (
    typeof list === 'object' &&
    list !== null &&
    typeof list.meta === 'object' &&
    Array.isArray(list.payload) &&
    list.payload.every(isMessage)
  );
}

function optionalId(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidInputError(
      field,
      `${field}: must be a message id (a whole number, 0 or more), got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

/** The checked query of a listing, before anything is sent. */
function checkListParams(params: ListMessagesParams) {
  checkParamsObject(params, 'messages.list', ', after');
  const { account_id, conversation_id } = checkPathIds(params);
  const after = optionalId(params.after, 'after');
  const before = optionalId(params.before, 'before');
  const query: { after?: number; before?: number } = {};
  if (after !== undefined) query.after = after;
  if (before !== undefined) query.before = before;
  return { account_id, conversation_id, query };
}

/** client.messages' reads. */
export interface MessageReads {
  /** One window of the conversation's messages (the latest 20 with neither `after` nor `before`), `{ meta, payload }`. */
  list(params: ListMessagesParams, requestOptions?: RequestOptions): Promise<MessageList>;
  /** Every message with an id greater than `after` (default 0), oldest first, paging by `after` (100 a page). */
  listAll(params: ListAllMessagesParams, requestOptions?: RequestOptions): AsyncIterable<Message>;
}

export function createListing(send: Send, options: MessagesOptions) {
  /** One listing with its answer (reconcile reads the answer's Date header). */
  async function listWithResponse(params: ListMessagesParams, requestOptions?: RequestOptions): Promise<ReadAnswer<MessageList>> {
    const { account_id, conversation_id, query } = checkListParams(params);
    const ctx = readContext(requestOptions, options, 'messages.list(params, options)');
    const path = `/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`;
    return readJson(
      send,
      options,
      { url: createMessagePath, path, params: { path: { account_id, conversation_id }, query }, ctx },
      isMessageList,
      'a message list ({ meta, payload })',
    );
  }

  async function list(params: ListMessagesParams, requestOptions?: RequestOptions): Promise<MessageList> {
    return (await listWithResponse(params, requestOptions)).data;
  }

  /** Every message after `after`, oldest first, a page (up to 100) at a time: the next page starts after the last id seen. */
  async function* listAll(params: ListAllMessagesParams, requestOptions?: RequestOptions): AsyncGenerator<Message, void, undefined> {
    let after = params?.after ?? 0;
    for (;;) {
      const page = await list({ account_id: params?.account_id, conversation_id: params?.conversation_id, after }, requestOptions);
      // An empty page is the end (a short page may only be the server's limit changing).
      const last = page.payload.at(-1);
      if (last === undefined) return;
      yield* page.payload;
      if (last.id <= after) return;
      after = last.id;
    }
  }

  return { list, listWithResponse, listAll };
}
