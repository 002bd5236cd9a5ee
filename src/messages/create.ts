// client.messages.create: check, send (JSON, or multipart with files), and return the typed
// message (with the answer it came in) or throw a typed error. Never returns undefined.
import type { AttemptHooks, AttemptResult, CallContext } from '../core/request.js';
import { resolveCallOptions, type RetryPolicy } from '../core/retry-options.js';
import { Digital99Error } from '../errors/classes.js';
import { fingerprintOf } from './delivery-match.js';
import { requestIdOf } from '../errors/from-response.js';
import type { Redactor } from '../errors/redaction.js';
import type { MessagePromise, MessageWithResponse } from './message-promise.js';
import { messageFrom } from './read-message.js';
import { checkedRequest } from './request.js';
import type { ContentType, CreateMessageParams, Message, RequestOptions } from './types.js';

type Init = Record<string, unknown> | undefined;

/** One request through the client's openapi-fetch client, with its attempts; `ctx` overrides the client's policy. */
export type Send = (method: string, url: string, init: Init, ctx?: Partial<CallContext>) => Promise<AttemptResult>;

/**
 * Where the client keeps create with the pacer hook (core/request.ts AttemptHooks) and a policy of
 * the caller's making: not enumerable, under this module-private key, for createMany (src/bulk) only.
 */
export const createWithHooks = Symbol('99digital.createWithHooks');

/** create(params) with every attempt passing `hooks`, under the policy `policy` makes of the client's. */
export type CreateWithHooks = (
  params: CreateMessageParams,
  hooks: AttemptHooks,
  policy: (clientPolicy: RetryPolicy) => RetryPolicy,
) => Promise<Message>;

/** What messages need of the client's resolved options. */
export interface MessagesOptions {
  retry: RetryPolicy;
  timeoutMs: number;
  baseUrl: string;
  authHeader: string;
  redactor: Redactor;
}

/** client.messages. */
export interface Messages {
  /**
   * Posts a message into a conversation and resolves to it; `.withResponse()` gives the HTTP answer
   * and its request id as well. Throws a Digital99Error subclass on any failure; check
   * `error.mayHaveBeenDelivered` before sending again. Generic over content_type (inferred from
   * `params`; text when it is left out), so that type errors name that variant.
   */
  create<T extends ContentType | undefined = undefined>(params: CreateMessageParams<T>, requestOptions?: RequestOptions): MessagePromise;
}

export function createMessages(send: Send, options: MessagesOptions) {
  async function post(params: CreateMessageParams<ContentType | undefined>, ctx: Partial<CallContext>): Promise<MessageWithResponse> {
    const { url, init, path } = await checkedRequest(params);
    const startedAt = Date.now();
    try {
      const result = await send('POST', url, init, { what: `POST ${path}`, ...ctx });
      const { response } = result;
      return { data: messageFrom(result, path, options), response, requestId: requestIdOf(response) };
    } catch (error) {
      // What messages.reconcile needs to look for it; not enumerable, so console.log and JSON leave it out.
      if (error instanceof Digital99Error && error.mayHaveBeenDelivered) {
        Object.defineProperty(error, 'sent', { value: fingerprintOf(params as Record<string, unknown>, startedAt, Date.now()) });
      }
      throw error;
    }
  }
  return {
    /** What create() resolves to with `.withResponse()`; the client wraps it in a MessagePromise. */
    async createWithResponse(
      params: CreateMessageParams<ContentType | undefined>,
      requestOptions?: RequestOptions,
    ): Promise<MessageWithResponse> {
      // The per-call options first: nothing (no timer, no request) starts with a bad one.
      const { signal, policy, timeoutMs } = resolveCallOptions(requestOptions, options, 'messages.create(params, options)');
      return post(params, { signal, policy, timeoutMs });
    },
    /** create with the pacer hook, for createMany (see createWithHooks). */
    async createWithHooks(...[params, hooks, policy]: Parameters<CreateWithHooks>): Promise<Message> {
      return (await post(params, { hooks, policy: policy(options.retry) })).data;
    },
  };
}
