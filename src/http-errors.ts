// HTTP error status → error class, with a message that says what to do about it.
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  UnprocessableEntityError,
  type ApiErrorDetails,
} from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { ResolvedOptions } from './options.js';

/** The server's own words: `{error}`, `{errors: [...]}`, Prism's problem+json, or plain text. */
function serverSays(body: unknown): string {
  if (typeof body === 'string') return body.trim().slice(0, 200);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.error === 'string') return b.error;
    if (Array.isArray(b.errors)) return b.errors.map(String).join('; ');
    if (typeof b.detail === 'string') return typeof b.title === 'string' ? `${b.title}: ${b.detail}` : b.detail;
    if (typeof b.message === 'string') return b.message;
  }
  return '';
}

/** A server that echoes the token back must not make us print it. */
function scrub<T>(value: T, token: string): T {
  if (typeof value === 'string') return value.split(token).join('[redacted]') as T;
  if (value && typeof value === 'object') {
    const json = JSON.stringify(value);
    if (json.includes(token)) return JSON.parse(json.split(token).join('[redacted]')) as T;
  }
  return value;
}

export function errorFromResponse(
  response: Response,
  parsedBody: unknown,
  request: { what: string; method: string; url: string },
  options: ResolvedOptions,
): ApiError {
  const { what } = request;
  const { status } = response;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const details: ApiErrorDetails = {
    status,
    body: scrub(parsedBody, options.token),
    headers: scrub(headers, options.token),
    method: request.method,
    url: request.url,
  };
  const said = scrub(serverSays(parsedBody), options.token);
  const base = `${what} failed with ${status}${response.statusText ? ` ${response.statusText}` : ''}${said ? `: ${said}` : ''}.`;
  switch (true) {
    case status === 401:
      return new AuthenticationError(
        `${base} Check the API access token (from the profile page) and that its user belongs to the account in the path. ` +
          `If a proxy such as nginx sits in front of the server it may drop the underscored header ${options.authHeader}: ` +
          "use createClient({ authHeader: 'Api-Access-Token' }).",
        details,
      );
    case status === 404:
      return new NotFoundError(
        `${base} Check account_id and conversation_id (the conversation's display id, the #number in the dashboard).`,
        details,
      );
    case status === 422:
      return new UnprocessableEntityError(`${base} The server refused the message as sent; nothing was posted.`, details);
    case status === 429: {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return new RateLimitError(
        `${base} Rate limited${retryAfterMs === undefined ? '' : `; the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s`}. Nothing was posted.`,
        details,
        retryAfterMs,
      );
    }
    case status >= 300 && status < 400 || response.type === 'opaqueredirect': {
      const location = response.headers.get('location') ?? undefined;
      return new RedirectError(
        `${what} was answered with a redirect (${status}) to ${location ?? 'an unknown location'}. ` +
          'Redirects are not followed so that the API token never goes to another server: set baseUrl to the final address.',
        details,
        location,
      );
    }
    default:
      // 500/502/504: the server may have posted the message before failing.
      return new ApiError(
        `${base}${status >= 500 && status !== 503 ? ' The server may have posted the message: check the conversation before sending it again.' : ''}`,
        details,
        status >= 500 && status !== 503,
      );
  }
}
