// client.messages.create: check, send (JSON, or multipart with files), and return the typed
// message or throw a typed error. Never returns undefined. Checking the input and reading the answer
// (message-io.ts) are loaded on the first call rather than with the client.
import type { Client } from 'openapi-fetch';
import type { components, paths } from '../generated/schema.js';
import { runAttempts } from './attempts.js';
import type { AttachmentInput } from './multipart.js';
import { resolveRetry, resolveTimeout, type ResolvedOptions } from './options.js';
import type { RetryOptions } from './retry.js';

export type Message = components['schemas']['Message'];
export type CreateMessageBody = components['schemas']['CreateMessageRequest'];

/** The path ids plus the body; `attachments` switches the request to multipart/form-data. */
export type CreateMessageParams = CreateMessageBody & {
  /** The numeric id of the account. */
  account_id: number;
  /** The conversation's display id (the #number in the dashboard). */
  conversation_id: number;
  /** Files to attach (at most 15). Sends multipart/form-data. */
  attachments?: readonly AttachmentInput[];
};

export interface RequestOptions {
  /** Abort the call (all attempts and waits). */
  signal?: AbortSignal;
  /** Override the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Override the client's retry policy for this call. */
  retry?: RetryOptions | false;
}

export function createMessages(api: Client<paths>, options: ResolvedOptions) {
  return {
    /**
     * Posts a message into a conversation and returns it. Throws a Digital99Error subclass on any
     * failure; check `error.mayHaveBeenDelivered` before sending again.
     */
    async create(params: CreateMessageParams, requestOptions: RequestOptions = {}): Promise<Message> {
      const io = await import('./message-io.js');
      const { ids, body, path } = await io.checkedRequest(params);
      const ctx = {
        ...options,
        policy: requestOptions.retry === undefined ? options.retry : resolveRetry(requestOptions.retry, 'retry (per call)'),
        timeoutMs: requestOptions.timeoutMs === undefined ? options.timeoutMs : resolveTimeout(requestOptions.timeoutMs, 'timeoutMs (per call)'),
        signal: requestOptions.signal,
        what: `POST ${path}`,
      };
      const init = { params: { path: ids }, body, parseAs: 'text' as const };
      const result = await runAttempts((signal) => api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', { ...init, signal }), ctx);
      return io.messageFrom(result, path, options);
    },
  };
}
