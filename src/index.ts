// The package's entry: createClient, the error classes and the types users name.
export { createClient, type Digital99Client } from './client/create-client.js';
export type { AuthHeaderName, ClientOptions } from './client/options.js';
export {
  AbortedError,
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  ConversationRateLimitError,
  Digital99Error,
  EarlierMessageFailedError,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type ApiErrorDetails,
} from './errors/classes.js';
export { MessageType, messageTypeName } from './messages/message-type.js';
export type {
  ContentType,
  CreateMessageBody,
  CreateMessageBodyFor,
  CreateMessageParams,
  Message,
  RequestOptions,
  SignedBlobId,
} from './messages/types.js';
export type { AttachmentInput } from './messages/multipart.js';
export type { Messages } from './messages/create.js';
export type { ListAllMessagesParams, ListMessagesParams, MessageList, MessageReads } from './messages/list.js';
export { defaultSettleMs, type MessageReconcile, type ReconcileOptions, type ReconcileResult } from './messages/reconcile.js';
export type { SentFingerprint } from './errors/sent-record.js';
export type { Conversation, Conversations, GetConversationParams } from './conversations/get.js';
export type { MessagePromise, MessageWithResponse } from './messages/message-promise.js';
// createMany itself is in 99digital-client/bulk; its types are named here too.
export type { BatchLimiter, CreateManyInput, CreateManyItem, CreateManyOptions, CreateManyResult } from './bulk/types.js';
export type { RetryOptions } from './core/retry-options.js';
export type { components, paths } from '../generated/schema.js';
export { specVersion } from '../generated/schema.js';
