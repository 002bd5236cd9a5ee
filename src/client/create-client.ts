// createClient: one openapi-fetch client, wrapped once. Every request of client.messages and
// client.api goes through `send`: openapi-fetch builds it, core/request.ts sendWithRetries runs its
// attempts, each sent by the guarded transport (client/transport.ts). Each public method is the
// redaction boundary of its call: whatever it throws has the token cut out of it, once.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/schema.js';
import { type AttemptResult, sendWithRetries } from '../core/request.js';
import type { Redactor } from '../errors/redaction.js';
import { type Conversations, createConversations } from '../conversations/get.js';
import { createMessages, createWithHooks, type Messages, type Send } from '../messages/create.js';
import { createListing, type MessageReads } from '../messages/list.js';
import { createReconcile, type MessageReconcile } from '../messages/reconcile.js';
import { messagePromise } from '../messages/message-promise.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { createTransport, guardPerCallInit } from './transport.js';

export interface Digital99Client {
  /** Many messages at once: `createMany(client, items, options)` from `99digital-client/bulk`. */
  messages: Messages & MessageReads & MessageReconcile;
  /**
   * The openapi-fetch client typed by the spec's `paths`, with the same auth, timeout and retries.
   * HTTP errors come back as `{ error, response }` (openapi-fetch's way); failures with no response
   * throw typed errors.
   */
  api: Client<paths>;
  /** Reading conversations: `get` (its `meta.channel` is the inbox's channel type). */
  conversations: Conversations;
}

type Init = Record<string, unknown> | undefined;

/** openapi-fetch's request(), called with the method and path as strings (its typed overloads are for users). */
type UntypedRequest = (method: string, url: string, init: Record<string, unknown>) => Promise<AttemptResult>;

/** The redaction boundary: whatever a call throws has the token cut out of it on the way out. */
function redacting<A extends unknown[], R>(redactor: Redactor, call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await call(...args);
    } catch (error) {
      throw redactor.error(error);
    }
  };
}

/** The redaction boundary of an async iterable: whatever its iteration throws has the token cut out of it. */
async function* redactingIterable<T>(redactor: Redactor, items: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  try {
    yield* items;
  } catch (error) {
    throw redactor.error(error);
  }
}

export function createClient(options?: ClientOptions): Digital99Client {
  const resolved = resolveOptions(options);
  // A redirect is answered as an error: following it could carry the token to another origin.
  const inner = createOpenApiClient<paths>({ baseUrl: resolved.baseUrl, redirect: 'manual' });
  const request = inner.request as unknown as UntypedRequest;
  const transport = createTransport(resolved);

  const send: Send = async (method, url, init, ctx) => {
    const perCall = guardPerCallInit(init, resolved, transport);
    const context = { ...resolved, policy: resolved.retry, signal: init?.signal as AbortSignal | undefined, what: `${method} ${url}` };
    // openapi-fetch gets the attempt's fetch: the only Request with the attempt's signal is the one sent.
    return sendWithRetries((fetch) => request(method, url, { ...perCall.init, fetch }), {
      ...context,
      ...ctx,
      transport: perCall.transport,
    });
  };
  const sendApi = redacting(resolved.redactor, (method: string, url: string, init?: Init) => send(method.toUpperCase(), url, init));
  const api: Record<string, unknown> = { ...inner, request: sendApi };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']) {
    api[method] = (url: string, init?: Init) => sendApi(method, url, init);
  }
  const created = createMessages(send, resolved);
  const createWithResponse = redacting(resolved.redactor, created.createWithResponse);
  const listing = createListing(send, resolved);
  const messages = {
    create: (params, requestOptions) => messagePromise(createWithResponse(params, requestOptions)),
    list: redacting(resolved.redactor, listing.list),
    listAll: (params, requestOptions) => redactingIterable(resolved.redactor, listing.listAll(params, requestOptions)),
    reconcile: redacting(resolved.redactor, createReconcile(listing.listWithResponse)),
  } as Digital99Client['messages'];
  // For createMany (99digital-client/bulk), which paces every attempt: kept off what console.log or JSON shows.
  Object.defineProperty(messages, createWithHooks, { value: redacting(resolved.redactor, created.createWithHooks) });
  const conversations = createConversations(send, resolved);
  const client: Digital99Client = {
    messages,
    api: api as unknown as Client<paths>,
    conversations: { get: redacting(resolved.redactor, conversations.get) },
  };
  // The token lives only in closures: nothing on this object shows it to console.log, util.inspect
  // or JSON.stringify.
  return client;
}
