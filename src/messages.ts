// client.messages.create: check, send (JSON, or multipart with files), and return the typed
// message or throw a typed error. Never returns undefined.
import type { Client } from 'openapi-fetch';
import type { components, paths } from '../generated/schema.js';
import { runAttempts, type AttemptContext } from './attempts.js';
import { errorFromResponse } from './http-errors.js';
import { UnexpectedResponseError } from './errors.js';
import { checkCreateParams, isPlainObject } from './input-checks.js';
import { buildFormData, type AttachmentInput } from './multipart.js';
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

const messagesPath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';

/** The start of a body for an error. A wrong baseUrl can echo the request: the token is cut out. */
function bodySnippet(text: string, token: string): string {
  const safe = text.split(token).join('[redacted]');
  return safe.length > 200 ? `${safe.slice(0, 200)}…` : safe;
}

/** A 2xx body that is not a message is a failure the caller must see, not a silent undefined. */
function parseMessage(text: unknown, status: number, what: string, token: string): Message {
  const raw = typeof text === 'string' ? text : '';
  if (raw.trim() === '') {
    throw new UnexpectedResponseError(`${what}: the server answered ${status} with an empty body; the message was probably posted.`, status, '');
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new UnexpectedResponseError(
      `${what}: the server answered ${status} with a body that is not JSON (${bodySnippet(raw, token)}); the message was probably posted.`,
      status,
      bodySnippet(raw, token),
    );
  }
  if (
    !isPlainObject(data) ||
    typeof data.id !== 'number' ||
    typeof data.message_type !== 'number' ||
    typeof data.created_at !== 'number' ||
    !(typeof data.content === 'string' || data.content === null || data.content === undefined)
  ) {
    throw new UnexpectedResponseError(
      `${what}: the server answered ${status} with JSON that is not a message (expected id, message_type, created_at): ${bodySnippet(raw, token)}`,
      status,
      bodySnippet(raw, token),
    );
  }
  return data as Message;
}

export function createMessages(api: Client<paths>, options: ResolvedOptions) {
  return {
    /**
     * Posts a message into a conversation and returns it. Throws a Digital99Error subclass on any
     * failure; check `error.mayHaveBeenDelivered` before sending again.
     */
    async create(params: CreateMessageParams, requestOptions: RequestOptions = {}): Promise<Message> {
      const { account_id, conversation_id, attachments, ...body } = checkCreateParams(params) as Record<string, unknown> & {
        account_id: number;
        conversation_id: number;
        attachments?: readonly unknown[];
      };
      const ctx: AttemptContext = {
        policy: requestOptions.retry === undefined ? options.retry : resolveRetry(requestOptions.retry, 'retry (per call)'),
        timeoutMs: requestOptions.timeoutMs === undefined ? options.timeoutMs : resolveTimeout(requestOptions.timeoutMs, 'timeoutMs (per call)'),
        signal: requestOptions.signal,
        what: `POST /api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`,
        debug: options.debug,
      };
      const payload = attachments && attachments.length > 0 ? buildFormData(body, attachments) : body;
      const init = {
        params: { path: { account_id, conversation_id } },
        body: payload as CreateMessageBody,
        parseAs: 'text' as const,
      };
      const result = await runAttempts((signal) => api.POST(messagesPath, { ...init, signal }), ctx);
      const { response } = result;
      if (response.ok) return parseMessage(result.data, response.status, ctx.what, options.token);
      const url = `${options.baseUrl}/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`;
      throw errorFromResponse(response, result.error, { what: ctx.what, method: 'POST', url }, options);
    },
  };
}
