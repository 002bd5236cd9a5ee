// The reads (messages.list, conversations.get): a GET through the client's one request path
// (core/request.ts) with a retry policy marked idempotent, its 2xx body parsed and checked, and its
// errors typed as create's are. A 401 says that reading needs a user's token: agent-bot tokens
// may create messages but not read them.
import type { CallContext } from '../core/request.js';
import { resolveCallOptions } from '../core/retry-options.js';
import { AuthenticationError, UnexpectedResponseError } from '../errors/classes.js';
import { errorFromResponse } from '../errors/from-response.js';
import type { MessagesOptions, Send } from './create.js';
import type { RequestOptions } from './types.js';

/** A read's answer: the checked body, the Response, and when it arrived (our clock, ms since the epoch). */
export interface ReadAnswer<T> {
  data: T;
  response: Response;
  receivedAt: number;
}

/** The call context of one read from its per-call options, checked before anything starts. */
export function readContext(requestOptions: RequestOptions | undefined, options: MessagesOptions, what: string): Partial<CallContext> {
  const ctx = resolveCallOptions(requestOptions, options, what);
  // A GET changes nothing: it may be sent again after a lost answer.
  return { ...ctx, policy: { ...ctx.policy, idempotent: true } };
}

const userTokenNeeded =
  ' Reading messages and conversations (list, listAll, conversations.get, reconcile, createMany with reconcile or autoSourceId) ' +
  "needs a user's API access token (Profile settings → Access Token): agent-bot tokens may create messages but not read them.";

/**
 * GETs `url` (an openapi-fetch path template) and returns the body `check` accepts, or throws the
 * typed error: the HTTP error's class, or UnexpectedResponseError for a 2xx that is not what was asked.
 */
export async function readJson<T>(
  send: Send,
  options: MessagesOptions,
  request: { url: string; path: string; params: Record<string, unknown>; ctx: Partial<CallContext> },
  check: (data: unknown) => data is T,
  expected: string,
): Promise<ReadAnswer<T>> {
  const what = `GET ${request.path}`;
  const result = await send('GET', request.url, { params: request.params, parseAs: 'text' }, { what, ...request.ctx });
  const receivedAt = Date.now();
  const { response } = result;
  if (!response.ok) {
    const error = errorFromResponse(response, result.error, { what, method: 'GET', url: options.baseUrl + request.path }, options);
    if (error instanceof AuthenticationError) throw new AuthenticationError(error.message + userTokenNeeded, error);
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(result.data as string);
  } catch {
    data = undefined;
  }
  if (!check(data)) {
    const body = options.redactor.excerpt(String(result.data ?? ''), 200, '…');
    const error = new UnexpectedResponseError(
      `${what}: the server answered ${response.status} with a body that is not ${expected}: ${body || '(empty)'} (check baseUrl).`,
      response.status,
      body,
    );
    // A read posts nothing: the class's "2xx means it was posted" is about create.
    Object.defineProperty(error, 'mayHaveBeenDelivered', { value: false });
    throw error;
  }
  return { data, response, receivedAt };
}
