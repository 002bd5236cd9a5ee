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
 * Whether the failure happened in a phase before any byte of the request could be written: name
 * resolution (`syscall: 'getaddrinfo'`), opening the connection (`syscall: 'connect'`: refused,
 * unreachable host or network; undici's connect timeout), the TLS handshake (OpenSSL's errors, a
 * certificate refused, the peer closing before the secure connection was set up), or fetch refusing
 * the request before connecting ("bad port"). Decided by the phase, not by a list of socket codes:
 * a reset or an EPIPE while writing or reading is not one of these, since the request may already
 * have been written.
 */
export function failedBeforeSending(error: unknown): boolean {
  return chain(error).some(
    (e) =>
      e.syscall === 'getaddrinfo' ||
      e.syscall === 'connect' ||
      e.library === 'SSL routines' ||
      /^(UND_ERR_CONNECT_TIMEOUT|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_/.test(String(e.code)) ||
      /before secure TLS connection|^bad port$/.test(String(e.message)),
  );
}

/** The error and its causes, outermost first (undici wraps the socket error in TypeError('fetch failed')). */
function chain(error: unknown): Array<{ message?: unknown; code?: unknown; syscall?: unknown; library?: unknown }> {
  const found = [];
  for (let e: unknown = error; e && typeof e === 'object' && found.length < 5; e = (e as { cause?: unknown }).cause) {
    found.push(e as { message?: unknown; code?: unknown });
  }
  return found;
}

export function abortedError(ctx: FailureContext, when: 'before it was sent' | 'while waiting to retry'): AbortedError {
  return new AbortedError(`${ctx.what} was aborted by the caller ${when}; nothing was posted.`, false, ctx.signal?.reason);
}

/** What an error that may have posted the message tells the caller (here and in from-response.ts). */
export const mayHavePostedAdvice = ' The server may have posted the message: check the conversation before sending it again.';

/**
 * Turns what a failed attempt threw into a typed error. The caller's abort is decided before this,
 * by when it happened (core/request.ts), so a Digital99Error here is one of ours: the transport's.
 */
export function classify(error: unknown, timedOut: boolean, ctx: FailureContext): Digital99Error {
  // A read (GET) posts nothing, whatever became of it.
  const posts = !ctx.what.startsWith('GET ');
  const check = posts ? mayHavePostedAdvice : '';
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
  if (failedBeforeSending(error)) {
    return new ConnectionError(
      `${ctx.what} failed before the request was written (${code ?? 'refused by fetch'}): nothing was sent. ${cause}`,
      {
        mayHaveBeenDelivered: false,
        code,
      },
    );
  }
  return new ConnectionError(`${ctx.what} failed without a complete response (${code ?? 'network error'}: ${cause}).${check}`, {
    mayHaveBeenDelivered: posts,
    code,
  });
}
