// The fetch that openapi-fetch calls: it refuses to send the token anywhere but the configured
// origin, never follows redirects (whatever a call asks for), caps response size and writes debug
// lines.
import { ConfigurationError, UnexpectedResponseError } from './errors.js';
import { describeHeaders } from './debug-log.js';
import { sendableInit } from './sendable-request.js';

/** A message is a few KB; anything past this is not an answer of the messages API. */
export const maxResponseBytes = 16 * 1024 * 1024;

/**
 * An error answer is read only this far: its status says what happened, and the start of its body
 * is all an error message quotes. The rest is dropped, not waited for.
 */
export const maxErrorBodyBytes = 64 * 1024;

export interface TransportOptions {
  origin: string;
  fetch: typeof globalThis.fetch;
  debug: ((line: string) => void) | undefined;
  /** Cut out of debug lines (a hostile server can put it in a Location header). */
  token?: string;
}

export function createTransport({ origin, fetch: fetchImpl, debug, token }: TransportOptions) {
  const hide = token ? [...new Set([token, encodeURIComponent(token)])] : [];
  const log = debug && ((line: string) => debug(hide.reduce((text, form) => text.split(form).join('[redacted]'), line)));
  // The platform's fetch takes (url, init) as it takes a Request; a fetch passed in may be a wrapper
  // that only forwards its first argument, so it always gets the Request.
  const platformFetch = fetchImpl === globalThis.fetch;
  return async function transport(input: Request, init?: RequestInit): Promise<Response> {
    // openapi-fetch lets a call override baseUrl; the token must not follow it elsewhere.
    if (!input.url.startsWith(origin + '/')) {
      throw new ConfigurationError(
        `Refusing to send the API token to ${new URL(input.url).origin}: this client is configured for ${origin}. ` +
          'Create another client for that server.',
      );
    }
    // A call may ask for redirect: 'follow'; fetch would then carry the token header to whatever
    // origin the Location names (only Authorization is dropped on a cross-origin redirect).
    const request = input.redirect === 'manual' ? input : new Request(input, { redirect: 'manual' });
    const started = log ? performance.now() : 0;
    log?.(`→ ${request.method} ${request.url} ${describeHeaders(request.headers)}`);
    let response: Response;
    try {
      // Without the copy fetch(request) would make (see sendable-request.ts): ~15% less CPU a call.
      const direct = init === undefined && platformFetch ? sendableInit(request) : undefined;
      response = direct
        ? await fetchImpl(request.url, direct)
        : init === undefined
          ? await fetchImpl(request)
          : await fetchImpl(request, { ...init, redirect: 'manual' });
    } catch (error) {
      throw token ? withoutToken(error, token) : error;
    }
    if (log) {
      const ms = Math.round(performance.now() - started);
      log(`← ${response.status} ${request.method} ${request.url} in ${ms} ms ${describeHeaders(response.headers)}`);
    }
    if (!response.ok) {
      // The status decides (an error class, a retry); a huge error page must not turn a 503 into
      // something else, nor be read to the end.
      return response.body ? new Response(cutBody(response.body, maxErrorBodyBytes), response) : response;
    }
    const length = response.headers.get('content-length');
    if (length !== null && Number(length) > maxResponseBytes) {
      await response.body?.cancel().catch(() => {});
      throw new UnexpectedResponseError(
        `The server answered ${response.status} with a ${length}-byte body, over the ${maxResponseBytes}-byte limit; ` +
          'this is not an answer of the messages API (check baseUrl).',
        response.status,
        '',
      );
    }
    if (length === null && response.body) {
      return new Response(limitBody(response.body, response.status), response);
    }
    return response;
  };
}

/** Passes a body through, failing it once it grows past maxResponseBytes (chunked answers). */
function limitBody(body: ReadableStream<Uint8Array>, status: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxResponseBytes) {
          controller.error(
            new UnexpectedResponseError(
              `The server's ${status} answer grew past the ${maxResponseBytes}-byte limit; ` +
                'this is not an answer of the messages API (check baseUrl).',
              status,
              '',
            ),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Passes the first `limit` bytes of a body through and ends it there, cancelling the rest. */
function cutBody(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const room = limit - seen;
        seen += chunk.byteLength;
        controller.enqueue(chunk.byteLength > room ? chunk.subarray(0, room) : chunk);
        if (seen >= limit) controller.terminate();
      },
    }),
  );
}

/**
 * The error as thrown, unless a message in its cause chain quotes the token (a fetch wrapper or a
 * proxy that prints the request's headers): then a copy of the chain with the token cut out,
 * keeping what attempts.ts reads (each message and code).
 */
function withoutToken(error: unknown, token: string, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 5 || !chainMentions(error, token)) return error;
  const copy = new (error instanceof TypeError ? TypeError : Error)(error.message.split(token).join('[redacted]'));
  copy.name = error.name;
  const { code } = error as { code?: unknown };
  if (code !== undefined) Object.assign(copy, { code });
  if (error.cause !== undefined) copy.cause = withoutToken(error.cause, token, depth + 1);
  return copy;
}

function chainMentions(error: unknown, token: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; depth++, e = e.cause) {
    if (e.message.includes(token) || (e.stack ?? '').includes(token)) return true;
  }
  return false;
}
