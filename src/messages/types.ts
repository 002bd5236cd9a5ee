// The types of messages.create: its parameters and options, and the message it returns (from the spec).
import type { components } from '../../generated/schema.js';
import type { RetryOptions } from '../core/retry-options.js';
import type { AttachmentInput } from './multipart.js';

export type Message = components['schemas']['Message'];
/**
 * The signed id of a file already uploaded (an Active Storage direct upload's `signed_id`): the
 * server attaches it like an uploaded file (Messages::MessageBuilder#process_attachments).
 */
export type SignedBlobId = components['schemas']['SignedBlobIds'][number];
/**
 * The JSON body's variants, without their `attachments`: create() takes `attachments` as files and
 * signed blob ids together (CreateMessageParams), and picks the body that carries them.
 */
export type CreateMessageBody = components['schemas']['CreateMessageRequest'] extends infer B
  ? B extends unknown
    ? Omit<B, 'attachments'>
    : never
  : never;

/** The values of content_type the spec offers for requests. */
export type ContentType = NonNullable<CreateMessageBody['content_type']>;

/** The variant that may leave content_type out (text): the one whose content_type is optional. */
type DefaultBody = CreateMessageBody extends infer B
  ? B extends unknown
    ? // biome-ignore lint/complexity/noBannedTypes: {} extends it exactly when content_type may be left out
      {} extends Pick<B, 'content_type' & keyof B>
      ? B
      : never
    : never
  : never;

/**
 * The body for content_type `T`, picked from the spec's union: the default variant when `T` is
 * undefined, a union when `T` is. Picking it (rather than offering the whole union) makes the
 * compiler check, and word its errors, against the variant the caller chose.
 */
export type CreateMessageBodyFor<T extends ContentType | undefined> = T extends undefined
  ? DefaultBody
  : Extract<CreateMessageBody, { content_type?: T }>;

/**
 * The path ids plus the body. `attachments` holding only signed blob ids is sent in the JSON body;
 * with any file it switches the request to multipart/form-data (the ids as text parts). Without a
 * type argument: any content_type (the union of every variant).
 */
export type CreateMessageParams<T extends ContentType | undefined = ContentType | undefined> = {
  content_type?: T;
} & CreateMessageBodyFor<T> & {
    /** The numeric id of the account. */
    account_id: number;
    /** The conversation's display id (the #number in the dashboard). */
    conversation_id: number;
    /**
     * Files to attach, and/or signed blob ids (strings) of files already uploaded. Only ids: a JSON
     * body. Any file: multipart/form-data, at most as many parts as the spec allows (15 today).
     */
    attachments?: readonly (AttachmentInput | SignedBlobId)[];
  };

export interface RequestOptions {
  /** Abort the call (all attempts and waits). */
  signal?: AbortSignal;
  /** Override the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Override the client's retry policy for this call. */
  retry?: RetryOptions | false;
}
