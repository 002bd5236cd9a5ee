// What a failed attempt threw (a network error, a timeout, an abort), turned into a typed error that
// says whether the message may have been posted. Only a message and a code are kept: low-level
// errors can hold sockets and request objects. Their messages may quote the token; the client's
// redactor cuts it out of the error this makes (errors/redaction.ts).
import { AbortedError, ConnectionError, Digital99Error, TimeoutError, UnexpectedResponseError } from './classes.js';

/** What an error about one request says of it. */
export interface FailureContext {
  /** e.g. "POST /api/v1/accounts/1/conversations/42/messages", for messages. */
  what: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Network error codes that prove nothing was sent: the connection was never made.
 * ECONNRESET and friends are absent on purpose: the request may already have been written.
 */
export function isNotSentCode(code: string | undefined): boolean {
  return code === 'ECONNREFUSED' || code === 'EAI_AGAIN';
}

/** The error and its causes, outermost first (undici wraps the socket error in TypeError('fetch failed')). */
function chain(error: unknown): Array<{ message?: unknown; code?: unknown }> {
  const found = [];
  for (let e: unknown = error; e && typeof e === 'object' && found.length < 5; e = (e as { cause?: unknown }).cause) {
    found.push(e as { message?: unknown; code?: unknown });
  }
  return found;
}

export function abortedError(ctx: FailureContext, when: 'before it was sent' | 'while waiting to retry'): AbortedError {
  return new AbortedError(`${ctx.what} was aborted by the caller ${when}; nothing was posted.`, false, ctx.signal?.reason);
}

/**
 * Turns what a failed attempt threw into a typed error. The caller's abort is decided before this,
 * by when it happened (core/request.ts), so a Digital99Error here is one of ours: the transport's.
 */
export function classify(error: unknown, timedOut: boolean, ctx: FailureContext): Digital99Error {
  // A read (GET) posts nothing, whatever became of it.
  const posts = !ctx.what.startsWith('GET ');
  const check = posts ? ' The server may have posted the message: check the conversation before sending it again.' : '';
  if (timedOut) return new TimeoutError(`${ctx.what} timed out after ${ctx.timeoutMs} ms.${check}`, ctx.timeoutMs, posts);
  if (error instanceof Digital99Error) return error;
  if (error instanceof SyntaxError) {
    // JSON.parse's message quotes the start of the body: leave it out.
    return new UnexpectedResponseError(`${ctx.what}: the response body is not valid JSON.`, 0, '');
  }
  const links = chain(error);
  const code = links.map((e) => e.code).find((c): c is string => typeof c === 'string');
  const messages = [...new Set(links.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== ''))];
  const cause = messages.join(': ') || String(error);
  if (isNotSentCode(code)) {
    return new ConnectionError(`${ctx.what} could not connect (${code}): nothing was sent. ${cause}`, {
      mayHaveBeenDelivered: false,
      code,
    });
  }
  return new ConnectionError(`${ctx.what} failed without a complete response (${code ?? 'network error'}: ${cause}).${check}`, {
    mayHaveBeenDelivered: posts,
    code,
  });
}
