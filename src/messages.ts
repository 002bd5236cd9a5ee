// client.messages.create: check, send (JSON, or multipart with files), and return the typed
// message or throw a typed error. Never returns undefined. Checking the input and reading the answer
// (message-io.ts) are loaded on the first call rather than with the client.
import type { components } from '../generated/schema.js';
import type { Send } from './client.js';
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

export function createMessages(send: Send, options: ResolvedOptions) {
  return {
    /**
     * Posts a message into a conversation and returns it. Throws a Digital99Error subclass on any
     * failure; check `error.mayHaveBeenDelivered` before sending again.
     */
    async create(params: CreateMessageParams, requestOptions: RequestOptions = {}): Promise<Message> {
      // Loaded together: the first call then waits for one round of loading, not two.
      const [io] = await Promise.all([import('./message-io.js'), import('./sending.js')]);
      const { url, init, path } = await io.checkedRequest(params);
      const result = await send('POST', url, { ...init, signal: requestOptions.signal }, {
        policy: requestOptions.retry === undefined ? options.retry : resolveRetry(requestOptions.retry, 'retry (per call)'),
        timeoutMs: requestOptions.timeoutMs === undefined ? options.timeoutMs : resolveTimeout(requestOptions.timeoutMs, 'timeoutMs (per call)'),
        what: `POST ${path}`,
      });
      return io.messageFrom(result, path, options);
    },
  };
}
