// The types of messages.create: its parameters and options, and the message it returns (from the spec).
import type { components } from '../../generated/schema.js';
import type { RetryOptions } from '../retry/policy.js';
import type { AttachmentInput } from './multipart.js';

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
