// client.messages.create: check, send (JSON, or multipart with files), and return the typed
// message or throw a typed error. Never returns undefined.
import type { Redactor } from '../errors/redaction.js';
import type { AttemptContext } from '../retry/attempts.js';
import { resolveRetry, resolveTimeout, type RetryPolicy } from '../retry/policy.js';
import { messageFrom } from './read-message.js';
import { checkedRequest } from './request.js';
import type { CreateMessageParams, Message, RequestOptions } from './types.js';

type Init = Record<string, unknown> | undefined;

/** One request through the client's openapi-fetch client, with its attempts; `ctx` overrides the client's policy. */
export type Send = (method: string, url: string, init: Init, ctx?: Partial<AttemptContext>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** What messages need of the client's resolved options. */
export interface MessagesOptions {
  retry: RetryPolicy;
  timeoutMs: number;
  baseUrl: string;
  authHeader: string;
  redactor: Redactor;
}

export function createMessages(send: Send, options: MessagesOptions) {
  return {
    /**
     * Posts a message into a conversation and returns it. Throws a Digital99Error subclass on any
     * failure; check `error.mayHaveBeenDelivered` before sending again.
     */
    async create(params: CreateMessageParams, requestOptions: RequestOptions = {}): Promise<Message> {
      const { url, init, path } = checkedRequest(params);
      const result = await send('POST', url, { ...init, signal: requestOptions.signal }, {
        policy: requestOptions.retry === undefined ? options.retry : resolveRetry(requestOptions.retry, 'retry (per call)'),
        timeoutMs: requestOptions.timeoutMs === undefined ? options.timeoutMs : resolveTimeout(requestOptions.timeoutMs, 'timeoutMs (per call)'),
        what: `POST ${path}`,
      });
      return messageFrom(result, path, options);
    },
  };
}
