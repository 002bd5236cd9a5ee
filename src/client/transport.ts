// The fetch that openapi-fetch calls: it adds the token header (after every middleware ran, so that
// no middleware ever sees the token), refuses to send it anywhere but the configured origin, never
// follows redirects (whatever a call asks for), caps response size and writes debug lines. And the
// check of what one call of client.api may override.
import { ConfigurationError, UnexpectedResponseError } from '../errors/classes.js';
import { maxErrorBodyBytes } from '../errors/from-response.js';
import { checkSignal } from '../retry/policy.js';
import { logExchange } from './debug-log.js';
import { sendableInit } from './sendable-request.js';

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
}

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
 * with credentials is refused by name), and a per-call fetch is wrapped in the guarded transport.
 */
export function guardPerCallInit<T extends Record<string, unknown> | undefined>(init: T, options: TransportOptions): T {
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
  if (init?.fetch === undefined) return init;
  if (typeof init.fetch !== 'function') throw new ConfigurationError('A per-call fetch must be a function.');
  return { ...init, fetch: createTransport({ ...options, fetch: init.fetch as typeof globalThis.fetch }) };
}

export function createTransport({ origin, authHeader, token, fetch: fetchImpl, debug }: TransportOptions) {
  // The platform's fetch takes (url, init) as it takes a Request; a fetch passed in may be a wrapper
  // that only forwards its first argument, so it always gets the Request.
  const platformFetch = fetchImpl === globalThis.fetch;
  return async function transport(input: Request, init?: RequestInit): Promise<Response> {
    // openapi-fetch lets a call override baseUrl; the token must not follow it elsewhere.
    if (!input.url.startsWith(origin + '/')) throw refuseOrigin(new URL(input.url).origin, origin);
    // The token goes on a copy of the headers: the Request that middleware saw (and sees again in
    // onResponse) never holds it.
    const headers = new Headers(input.headers);
    headers.set(authHeader, token);
    // Without the copy fetch(request) would make (see sendable-request.ts): ~15% less CPU a call.
    const direct = init === undefined && platformFetch ? sendableInit(input) : undefined;
    // A call may ask for redirect: 'follow'; fetch would then carry the token header to whatever
    // origin the Location names (only Authorization is dropped on a cross-origin redirect).
    const request = direct ? undefined : new Request(input, { redirect: 'manual', headers });
    const logResponse = debug && logExchange(debug, { method: input.method, url: input.url, headers });
    const response = await (direct
      ? fetchImpl(input.url, { ...direct, headers, redirect: 'manual' })
      : fetchImpl(request as Request, init === undefined ? undefined : { ...init, headers, redirect: 'manual' }));
    logResponse?.(response);
    // The status decides (an error class, a retry); a huge error page must not turn a 503 into
    // something else, nor be read to the end. (errors/from-response.ts redacts it, then cuts it.)
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
  };
}

/**
 * A Response that reports a status the Response constructor refuses (it takes 200 to 599 only, and
 * a server can send 600 or 999): such an answer is an error like any other, with its own status.
 */
const oddStatus = Symbol('status');
class OddStatusResponse extends Response {
  // Not a #private field: Response's own constructor reads `status` before this class's fields exist.
  declare readonly [oddStatus]: number | undefined;
  constructor(body: ReadableStream<Uint8Array> | null, from: Response) {
    super(body, { status: 500, statusText: from.statusText, headers: from.headers });
    Object.defineProperty(this, oddStatus, { value: from.status });
  }
  override get status(): number {
    return this[oddStatus] ?? super.status;
  }
  override get ok(): boolean {
    return false;
  }
}

/**
 * The response with its body passed through up to `limit` bytes: past that, the body fails with
 * what `tooLong` makes or, without it, simply ends there (the rest is cancelled).
 */
function capBody(response: Response, limit: number, tooLong?: () => Error): Response {
  if (!response.body) return response;
  let seen = 0;
  const body = response.body.pipeThrough(
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
  return response.status >= 200 && response.status <= 599 ? new Response(body, response) : new OddStatusResponse(body, response);
}
