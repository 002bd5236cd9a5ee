// The error classes, one small hierarchy: every failure the package reports is a Digital99Error.
// Errors never hold the request (its headers carry the API token), only safe facts about it.
import type { SentFingerprint } from './sent-record.js';

/** Base class of every error this package throws. */
export class Digital99Error extends Error {
  override name = 'Digital99Error';
  /**
   * Whether the message may have reached the server and been posted. `false` means it certainly
   * was not (safe to send again); `true` means it may have been (sending again may post it twice).
   */
  declare readonly mayHaveBeenDelivered: boolean;
  /**
   * On an error of messages.create with `mayHaveBeenDelivered: true`: what was sent and when, for
   * `client.messages.reconcile(error)`. Not enumerable (console.log and JSON leave it out); the
   * content is kept only as a hash.
   */
  declare readonly sent?: SentFingerprint;

  constructor(message: string, options: { mayHaveBeenDelivered: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.mayHaveBeenDelivered = options.mayHaveBeenDelivered;
  }
}

/** A bad option given to createClient, or a broken environment (e.g. Prism missing for the mock). */
export class ConfigurationError extends Digital99Error {
  override name = 'ConfigurationError';
  constructor(message: string) {
    super(message, { mayHaveBeenDelivered: false });
  }
}

/** Bad input caught before any request was sent. `field` names what was wrong. */
export class InvalidInputError extends Digital99Error {
  override name = 'InvalidInputError';
  declare readonly field: string;
  constructor(field: string, message: string) {
    super(message, { mayHaveBeenDelivered: false });
    this.field = field;
  }
}

export interface ApiErrorDetails {
  status: number;
  /** The parsed body: JSON when it parses, else the text (e.g. "Retry later"). */
  body: unknown;
  /** Response headers (these never hold the token). */
  headers: Record<string, string>;
  method: string;
  url: string;
  /** The server's X-Request-Id (Rails sends one with every answer): quote it when asking support. */
  requestId?: string | undefined;
}

/** The server answered with an HTTP error status. */
export class ApiError extends Digital99Error {
  override name = 'ApiError';
  declare readonly status: number;
  declare readonly body: unknown;
  declare readonly headers: Record<string, string>;
  declare readonly method: string;
  declare readonly url: string;
  /** The server's X-Request-Id, also in the message: quote it when asking support. */
  declare readonly requestId: string | undefined;

  constructor(message: string, { status, body, headers, method, url, requestId }: ApiErrorDetails, mayHaveBeenDelivered = false) {
    super(message, { mayHaveBeenDelivered });
    Object.assign(this, { status, body, headers, method, url, requestId });
  }
}

/** 401: the API token is missing, wrong, or has no access to this account. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}

/** 404: the account or conversation does not exist, or the token cannot see it. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/** 422: the server refused the message. */
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError';
}

/**
 * Rate limited: a 429 (after the retries allowed were used up, or at once when the wait is longer
 * than maxDelayMs). Nothing was posted.
 */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /**
   * How long to wait before sending again, in ms: the server's Retry-After; else, for a 429, until
   * the next one-minute window by the server's Date header; else 60,000 (one window). Add your own
   * jitter when many senders wait together.
   */
  declare readonly retryAfterMs: number;
  constructor(message: string, details: ApiErrorDetails, retryAfterMs: number) {
    super(message, details);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * 422 `Validation failed: Too many messages`: the per-conversation flood limit (200 messages in any
 * 60 s by default). Nothing was saved; `retryAfterMs` is Retry-After if sent, else a whole minute.
 */
export class ConversationRateLimitError extends RateLimitError {
  override name = 'ConversationRateLimitError';
}

/**
 * A 3xx answer. Redirects are never followed, so the token never goes to another origin. A 303 See
 * Other is how a server answers a POST it has processed, so then the message may have been posted.
 */
export class RedirectError extends ApiError {
  override name = 'RedirectError';
  declare readonly location: string | undefined;
  constructor(message: string, details: ApiErrorDetails, location: string | undefined, mayHaveBeenDelivered = false) {
    super(message, details, mayHaveBeenDelivered);
    this.location = location;
  }
}

/** The server answered 2xx, but the body is not a message (empty, not JSON, wrong shape). */
export class UnexpectedResponseError extends Digital99Error {
  override name = 'UnexpectedResponseError';
  declare readonly status: number;
  /** The body as text, cut to a readable length. */
  declare readonly body: string;
  constructor(message: string, status: number, body: string) {
    // A 2xx means the server processed the request: the message was very likely posted.
    super(message, { mayHaveBeenDelivered: true });
    Object.assign(this, { status, body });
  }
}

/** No (complete) response: refused, reset, dropped, DNS, TLS. */
export class ConnectionError extends Digital99Error {
  override name = 'ConnectionError';
  /** A short machine-readable cause, e.g. ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET. */
  declare readonly code: string | undefined;
  constructor(message: string, options: { mayHaveBeenDelivered: boolean; code?: string | undefined; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** An attempt took longer than timeoutMs. The server may still have posted the message. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  declare readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, mayHaveBeenDelivered: boolean) {
    super(message, { mayHaveBeenDelivered, code: 'ETIMEDOUT' });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends ConnectionError {
  override name = 'AbortedError';
  constructor(message: string, mayHaveBeenDelivered: boolean, reason?: unknown) {
    super(message, { mayHaveBeenDelivered, code: 'ABORT_ERR', cause: reason });
  }
}

/**
 * createMany did not send this message because an earlier message of the same
 * conversation failed: a conversation's messages go out in order or not at all (unless
 * `continueAfterFailure`). Nothing was posted.
 */
export class EarlierMessageFailedError extends Digital99Error {
  override name = 'EarlierMessageFailedError';
  /** The index (in the input) of the message that failed. */
  declare readonly failedIndex: number;
  /** Its key, when the caller gave one. */
  declare readonly failedKey: string | undefined;
  constructor(message: string, failedIndex: number, failedKey: string | undefined) {
    super(message, { mayHaveBeenDelivered: false });
    Object.assign(this, { failedIndex, failedKey });
  }
}
