// What sends each attempt: the Request openapi-fetch built (after every middleware ran, so that no
// middleware ever sees the token) goes out with the token header and the attempt's signal, only to
// the configured origin, never following redirects (whatever a call asks for); the answer's size is
// capped and debug lines are written. And the check of what one call of client.api may override.
import { checkSignal } from '../core/retry-options.js';
import { ConfigurationError, UnexpectedResponseError } from '../errors/classes.js';
import { errorFromResponse, maxErrorBodyBytes } from '../errors/from-response.js';
import type { Redactor } from '../errors/redaction.js';
import { logExchange } from './debug-log.js';

/** A message is a few KB; anything past this is not an answer of the messages API. */
export const maxResponseBytes = 16 * 1024 * 1024;

export interface TransportOptions {
  origin: string;
  /** The header the token goes in, and the token: added to each attempt's request here only. */
  authHeader: string;
  token: string;
  fetch: typeof globalThis.fetch;
  /** Already redacting (client/options.ts). */
  debug: ((line: string) => void) | undefined;
  /** For the error an answer with a status past 599 becomes here. */
  redactor: Redactor;
}

/** Sends one attempt's request with the attempt's signal (core/request.ts gives it to openapi-fetch as its fetch). */
export type Transport = (request: Request, signal: AbortSignal) => Promise<Response>;

const tooLarge = (status: number, size: string) =>
  new UnexpectedResponseError(
    `The server's ${status} answer ${size} the ${maxResponseBytes}-byte limit; this is not an answer of the messages API (check baseUrl).`,
    status,
    '',
  );

function refuseOrigin(target: string, origin: string): ConfigurationError {
  return new ConfigurationError(
    `Refusing to send the API token to ${target}: this client is configured for ${origin}. Create another client for that server.`,
  );
}

/**
 * openapi-fetch lets one call override baseUrl and fetch. Either could carry the token elsewhere or
 * skip the guarded transport: the origin is checked before anything is built (so that even a URL
 * with credentials is refused by name), and a per-call fetch gets a guarded transport of its own.
 * What openapi-fetch is given has neither `fetch` nor `signal`: both belong to each attempt.
 */
export function guardPerCallInit(
  init: Record<string, unknown> | undefined,
  options: TransportOptions,
  transport: Transport,
): { init: Record<string, unknown>; transport: Transport } {
  const { origin } = options;
  if (init?.baseUrl !== undefined) {
    let target: string;
    try {
      const url = new URL(String(init.baseUrl));
      target = url.username || url.password ? `${url.host} (a URL with credentials)` : url.origin;
    } catch {
      target = 'an invalid baseUrl';
    }
    if (target !== origin) throw refuseOrigin(target, origin);
  }
  checkSignal(init?.signal);
  const { fetch, signal: _signal, ...rest } = init ?? {};
  if (fetch === undefined) return { init: rest, transport };
  if (typeof fetch !== 'function') throw new ConfigurationError('A per-call fetch must be a function.');
  return { init: rest, transport: createTransport({ ...options, fetch: fetch as typeof globalThis.fetch }) };
}

export function createTransport(options: TransportOptions): Transport {
  const { origin, authHeader, token, fetch: fetchImpl, debug } = options;
  // A fetch passed in may be a wrapper that only forwards its first argument: it gets one Request.
  // The platform's fetch gets the URL and a plain init instead: given a Request, Node's fetch copies
  // it (a second Request whose body is piped through a new stream, kept in a FinalizationRegistry
  // until a full GC), which at ~1,000 requests/s costs several MB of peak memory (bench/results.md).
  const platformFetch = fetchImpl === globalThis.fetch;
  return async function transport(input: Request, signal: AbortSignal): Promise<Response> {
    // openapi-fetch lets a call override baseUrl; the token must not follow it elsewhere.
    if (!input.url.startsWith(origin + '/')) throw refuseOrigin(new URL(input.url).origin, origin);
    // The token goes on a copy of the headers: the Request that middleware saw (and sees again in
    // onResponse) never holds it. A call may ask for redirect: 'follow'; fetch would then carry the
    // token header to whatever origin the Location names: never.
    const headers = new Headers(input.headers);
    headers.set(authHeader, token);
    const init: RequestInit = { headers, redirect: 'manual', signal };
    const logResponse = debug && logExchange(debug, { method: input.method, url: input.url, headers });
    let response: Response;
    if (!platformFetch) response = await fetchImpl(new Request(input, init));
    // A multipart body (attachments, perhaps files read from disk) streams as before, not read whole.
    else if (headers.get('content-type')?.startsWith('multipart/')) response = await fetchImpl(input, init);
    else response = await fetchImpl(input.url, await plainInit(input, init));
    logResponse?.(response);
    return limitSize(response, input, options);
  };
}

/**
 * What the platform's fetch needs of the Request openapi-fetch built, as a plain init: its method
 * and body (a JSON message is a few KB: read whole, so it goes with a Content-Length) and what the
 * request options of Node's fetch act on; `init` adds the headers, signal and redirect.
 */
async function plainInit(input: Request, init: RequestInit): Promise<RequestInit> {
  const body = input.body === null ? null : await input.arrayBuffer();
  return { method: input.method, body, keepalive: input.keepalive, integrity: input.integrity, ...init };
}

/**
 * The status decides (an error class, a retry): a huge error page must not turn a 503 into something
 * else, nor be read to the end (errors/from-response.ts redacts it, then cuts it). A status the
 * Response class refuses (past 599: a broken server) cannot be passed on as a Response: it becomes
 * its ApiError here, with its own status.
 */
async function limitSize(response: Response, request: Request, options: TransportOptions): Promise<Response> {
  if (response.status > 599) throw await oddStatusError(response, request, options);
  if (!response.ok) return capBody(response, maxErrorBodyBytes);
  const length = response.headers.get('content-length');
  if (Number(length) > maxResponseBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response.status, `(${length} bytes) is over`);
  }
  // Content-Length counts the bytes on the wire: a gzip, deflate or br body decodes to far more
  // (a 400 KiB answer can inflate to 400 MiB), so the decoded bytes are counted whenever it is encoded.
  const encoded = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  return length === null || encoded ? capBody(response, maxResponseBytes, () => tooLarge(response.status, 'grew past')) : response;
}

async function oddStatusError(response: Response, request: Request, options: TransportOptions) {
  const text = response.body ? await new Response(capped(response.body, maxErrorBodyBytes)).text() : '';
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: quoted as text.
  }
  const path = new URL(request.url).pathname;
  const what = `${request.method} ${path}`;
  return errorFromResponse(response, body, { what, method: request.method, url: request.url }, options);
}

/**
 * The response with its body passed through up to `limit` bytes: past that, the body fails with
 * what `tooLong` makes or, without it, simply ends there (the rest is cancelled).
 */
function capBody(response: Response, limit: number, tooLong?: () => Error): Response {
  return response.body ? new Response(capped(response.body, limit, tooLong), response) : response;
}

function capped(body: ReadableStream<Uint8Array>, limit: number, tooLong?: () => Error): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const room = limit - seen;
        seen += chunk.byteLength;
        if (seen > limit && tooLong) return controller.error(tooLong());
        controller.enqueue(chunk.byteLength > room ? chunk.subarray(0, room) : chunk);
        if (seen >= limit && !tooLong) controller.terminate();
      },
    }),
  );
}
