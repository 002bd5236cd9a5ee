// An answer that is not the message, turned into an error that says what to do about it: an HTTP
// error status → its error class, and a 2xx body that is not a message. What it quotes is redacted
// before it is cut, so a cut can never leave part of the token behind.
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type ApiErrorDetails,
} from './classes.js';
import type { Redactor } from './redaction.js';
import { parseRetryAfter } from './retry-after.js';

/** The X-Request-Id of an answer, for support tickets. */
export function requestIdOf(response: Response): string | undefined {
  return response.headers.get('x-request-id') || undefined;
}

/** The start of the server's words for an error message (from text already scrubbed of the token, so the cut cannot halve it). */
function quote(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The title of an HTML page (a proxy's error page), or its text without tags. */
function htmlText(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  if (title) return title;
  return html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The server's own words: `{error}`, `{errors: [...]}`, Prism's problem+json, an HTML page's title, or plain text. */
function serverSays(body: unknown): string {
  if (typeof body === 'string') return quote(/^\s*<(!doctype|html|head|body)\b/i.test(body) ? htmlText(body) : body.trim());
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.error === 'string') return b.error;
  if (Array.isArray(b.errors)) return b.errors.map(String).join('; ');
  if (typeof b.detail === 'string') return typeof b.title === 'string' ? `${b.title}: ${b.detail}` : b.detail;
  return typeof b.message === 'string' ? b.message : '';
}

/** A 2xx whose body is not a message: empty, not JSON, or JSON of another shape. */
export function notAMessage(text: unknown, status: number, what: string, redactor: Redactor): UnexpectedResponseError {
  const raw = typeof text === 'string' && text.trim() !== '' ? text : '';
  const body = quote(redactor.text(raw));
  let problem = `JSON that is not a message (expected id, message_type, created_at): ${body}`;
  if (!raw) problem = 'an empty body; the message was probably posted.';
  else {
    try {
      JSON.parse(raw);
    } catch {
      problem = `a body that is not JSON (${body}); the message was probably posted.`;
    }
  }
  return new UnexpectedResponseError(`${what}: the server answered ${status} with ${problem}`, status, body);
}

export function errorFromResponse(
  response: Response,
  parsedBody: unknown,
  request: { what: string; method: string; url: string },
  options: { authHeader: string; redactor: Redactor },
): ApiError {
  const { what } = request;
  const { status } = response;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A server that echoes the token back (in a body, a header, a Location) must not make us print it.
  const { redactor } = options;
  const body = redactor.value(parsedBody);
  const requestId = redactor.value(requestIdOf(response));
  const details: ApiErrorDetails = { status, body, headers: redactor.value(headers), method: request.method, url: request.url, requestId };
  const said = serverSays(body);
  const ref = requestId === undefined ? '' : ` (request id ${requestId})`;
  const base = `${what} failed with ${status}${response.statusText ? ` ${response.statusText}` : ''}${ref}${said ? `: ${said}` : ''}.`;
  if (status === 401) {
    return new AuthenticationError(
      `${base} Check the API access token (from the profile page) and that its user belongs to the account in the path. ` +
        `If a proxy such as nginx sits in front of the server it may drop the underscored header ${options.authHeader}: ` +
        "use createClient({ authHeader: 'Api-Access-Token' }).",
      details,
    );
  }
  if (status === 404) {
    return new NotFoundError(`${base} Check account_id and conversation_id (the conversation's display id, the #number in the dashboard).`, details);
  }
  if (status === 422) return new UnprocessableEntityError(`${base} The server refused the message as sent; nothing was posted.`, details);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const wait = retryAfterMs === undefined ? '' : `; the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s`;
    return new RateLimitError(`${base} Rate limited${wait}. Nothing was posted.`, details, retryAfterMs);
  }
  if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
    const location = details.headers['location'];
    return new RedirectError(
      `${what} was answered with a redirect (${status})${ref} to ${location ?? 'an unknown location'}. ` +
        'Redirects are not followed so that the API token never goes to another server: set baseUrl to the final address.',
      details,
      location,
    );
  }
  // 500/502/504: the server may have posted the message before failing (503 turned it away).
  const mayHavePosted = status >= 500 && status !== 503;
  return new ApiError(
    `${base}${mayHavePosted ? ' The server may have posted the message: check the conversation before sending it again.' : ''}`,
    details,
    mayHavePosted,
  );
}
