export { createClient, type Digital99Client } from './client.js';
export {
  AbortedError,
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  Digital99Error,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type ApiErrorDetails,
} from './errors.js';
export type { CreateMessageBody, CreateMessageParams, Message, RequestOptions } from './messages.js';
export type { AttachmentInput } from './multipart.js';
export type { AuthHeaderName, ClientOptions } from './options.js';
export type { RetryOptions } from './retry.js';
export type { components, paths } from '../generated/schema.js';
export { specVersion } from '../generated/schema.js';
