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

/** How much of the server's words an error message quotes. */
const quoteLength = 200;

/** The title of an HTML page (a proxy's error page), or its text without tags. */
function htmlText(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  if (title) return title;
  return html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The server's own words: `{error}`, `{errors: [...]}`, Prism's problem+json, an HTML page's title,
 * or plain text. Takes a body already scrubbed of the token, so that the cut cannot halve it.
 */
function serverSays(body: unknown): string {
  if (typeof body === 'string') {
    const text = /^\s*<(!doctype|html|head|body)\b/i.test(body) ? htmlText(body) : body.trim();
    return text.length > quoteLength ? `${text.slice(0, quoteLength)}…` : text;
  }
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.error === 'string') return b.error;
    if (Array.isArray(b.errors)) return b.errors.map(String).join('; ');
    if (typeof b.detail === 'string') return typeof b.title === 'string' ? `${b.title}: ${b.detail}` : b.detail;
    if (typeof b.message === 'string') return b.message;
  }
  return '';
}

/** The token as it could appear in text: as is, or percent-encoded in a URL. */
function tokenForms(token: string): string[] {
  const encoded = encodeURIComponent(token);
  return encoded === token ? [token] : [token, encoded];
}

/** A server that echoes the token back (in a body, a header, a Location) must not make us print it. */
function redactToken<T>(value: T, token: string): T {
  if (typeof value === 'string') {
    let text: string = value;
    for (const form of tokenForms(token)) text = text.split(form).join('[redacted]');
    return text as T;
  }
  if (value && typeof value === 'object') {
    const json = JSON.stringify(value);
    if (tokenForms(token).some((form) => json.includes(form))) return JSON.parse(redactToken(json, token)) as T;
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
  const body = redactToken(parsedBody, options.token);
  const details: ApiErrorDetails = {
    status,
    body,
    headers: redactToken(headers, options.token),
    method: request.method,
    url: request.url,
  };
  const said = serverSays(body);
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
      const location = details.headers['location'];
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
