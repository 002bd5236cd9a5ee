// An answer that is not the message, turned into an error that says what to do about it: an HTTP
// error status → its error class, and a 2xx body that is not a message. What it quotes is redacted
// before it is cut, so a cut can never leave part of the token behind.
import {
  ApiError,
  AuthenticationError,
  ConversationRateLimitError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  UnexpectedResponseError,
  UnprocessableEntityError,
  type ApiErrorDetails,
} from './classes.js';
import { mayHavePostedAdvice } from './from-network.js';
import type { Redactor } from './redaction.js';
import { isFloodLimit, parseRetryAfter, rateLimitWait } from '../internal/retry-after.js';

/** The X-Request-Id of an answer, for support tickets. */
export function requestIdOf(response: Response): string | undefined {
  return response.headers.get('x-request-id') || undefined;
}

/**
 * An error answer's body is kept to this many characters: its status says what happened, and the
 * start of its body is all an error shows. The transport reads a little more (see below), so that
 * the body is redacted before it is cut here, never after.
 */
export const maxErrorBodyChars = 64 * 1024;

/** What the transport reads of an error answer: the kept part plus room for a token that straddles its end. */
export const maxErrorBodyBytes = maxErrorBodyChars + 4 * 1024;

/** The start of the server's words for an error message, redacted before it is cut. */
function quote(text: string, redactor: Redactor): string {
  return redactor.excerpt(text, 200, '…');
}

/** The title of an HTML page (a proxy's error page), or its text without tags. */
function htmlText(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  if (title) return title;
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The server's own words: `{error}`, `{errors: [...]}`, Prism's problem+json, an HTML page's title, or plain text. */
function serverSays(body: unknown, redactor: Redactor): string {
  if (typeof body === 'string') return quote(/^\s*<(!doctype|html|head|body)\b/i.test(body) ? htmlText(body) : body.trim(), redactor);
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.error === 'string') return quote(b.error, redactor);
  if (Array.isArray(b.errors)) return quote(b.errors.slice(0, 20).map(String).join('; '), redactor);
  if (typeof b.detail === 'string') return quote(typeof b.title === 'string' ? `${b.title}: ${b.detail}` : b.detail, redactor);
  return typeof b.message === 'string' ? quote(b.message, redactor) : '';
}

/** A 2xx whose body is not a message: empty, not JSON, or JSON of another shape. */
export function notAMessage(text: unknown, status: number, what: string, redactor: Redactor): UnexpectedResponseError {
  const raw = typeof text === 'string' && text.trim() !== '' ? text : '';
  const body = quote(raw, redactor);
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

/** The path that was requested, for a 404 (a query is left out). */
function requestedPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
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
  // A server that echoes the token back (in a body, a header, a reason phrase, a Location) must not
  // make us print it: everything quoted is redacted here, and bodies before they are cut.
  const { redactor } = options;
  const body = typeof parsedBody === 'string' ? redactor.excerpt(parsedBody, maxErrorBodyChars) : redactor.value(parsedBody);
  const requestId = redactor.value(requestIdOf(response));
  const details: ApiErrorDetails = { status, body, headers: redactor.value(headers), method: request.method, url: request.url, requestId };
  const said = serverSays(body, redactor);
  const reason = response.statusText ? ` ${quote(response.statusText, redactor)}` : '';
  const ref = requestId === undefined ? '' : ` (request id ${requestId})`;
  const base = `${what} failed with ${status}${reason}${ref}${said ? `: ${said}` : ''}.`;
  if (status === 401) {
    return new AuthenticationError(
      `${base} Check the API access token (from the profile page) and that its user belongs to the account in the path. ` +
        `If a proxy such as nginx sits in front of the server it may drop the underscored header ${options.authHeader}: ` +
        "use createClient({ authHeader: 'Api-Access-Token' }).",
      details,
    );
  }
  if (status === 404) {
    // The path actually requested, when the message does not already show it (a base URL with a
    // path of its own): the token travels in a header, never in it.
    const path = options.redactor.text(requestedPath(request.url));
    const where = what.includes(` ${path}`) ? '' : ` and the base URL: the request went to ${path}`;
    return new NotFoundError(
      `${base} Check account_id and conversation_id (the conversation's display id, the #number in the dashboard)${where}.`,
      details,
    );
  }
  if (status === 422 && isFloodLimit(body)) {
    const { ms } = rateLimitWait(response.headers, false);
    return new ConversationRateLimitError(
      `${base} The conversation's flood limit (200 messages in any 60 s by default) refused it; nothing was posted. ` +
        `Send again in ${Math.ceil(ms / 1000)} s, or pace messages to this conversation.`,
      details,
      ms,
    );
  }
  if (status === 422) return new UnprocessableEntityError(`${base} The server refused the message as sent; nothing was posted.`, details);
  if (status === 429) {
    const { ms } = rateLimitWait(response.headers, true);
    return new RateLimitError(`${base} Rate limited; send again in ${Math.ceil(ms / 1000)} s. Nothing was posted.`, details, ms);
  }
  if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
    const location = details.headers['location'];
    // 303 See Other is the answer to a POST that was processed.
    const processed = status === 303;
    return new RedirectError(
      `${what} was answered with a redirect (${status})${ref} to ${location ?? 'an unknown location'}. ` +
        (processed
          ? 'A 303 answers a request the server processed: the message was probably posted; check the conversation before sending it again. '
          : '') +
        'Redirects are not followed so that the API token never goes to another server: set baseUrl to the final address.',
      details,
      location,
      processed,
    );
  }
  // A 5xx may come after the message was posted, and so may a status no server should send. Only a
  // 503 with Retry-After ("come back later") says the request was turned away.
  const turnedAway = status === 503 && parseRetryAfter(response.headers.get('retry-after')) !== undefined;
  const mayHavePosted = (status >= 500 || status < 200) && !turnedAway && request.method !== 'GET';
  return new ApiError(`${base}${mayHavePosted ? mayHavePostedAdvice : ''}`, details, mayHavePosted);
}
