// Sending openapi-fetch's Request without the copy fetch makes of it. fetch(request) builds a new
// Request from the one it is given and pipes the body through a TransformStream to do so; on Node
// that copy is most of what openapi-fetch costs over a plain fetch(url, init) (bench/results.md).
// The Request openapi-fetch builds (this class, passed as its `Request` option) keeps the body it
// was made from, so the transport can call fetch(url, init) with the same method, headers, body,
// signal and options instead. Anything that could make the two differ falls back to fetch(request).
const builtFrom = Symbol('builtFrom');

export class SendableRequest extends Request {
  /**
   * openapi-fetch checks what a middleware's onRequest returns with `instanceof` the Request class it
   * was given: a plain `new Request(...)` must still pass.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Request;
  }

  readonly [builtFrom]: BodyInit | null | undefined;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    this[builtFrom] = init?.body;
  }
}

/**
 * fetch(url, init) arguments that send exactly what fetch(request) would, or undefined. Only for a
 * Request openapi-fetch built whose body is text (JSON) or absent: a FormData body would be encoded
 * again with a boundary other than the one in the Content-Type header, and a stream can be read once.
 * The live `headers` are used, so a middleware's changes to them are kept; a middleware that read the
 * body or replaced the Request gets the plain fetch(request).
 */
export function sendableInit(request: Request): RequestInit | undefined {
  if (!(builtFrom in request) || request.bodyUsed) return undefined;
  const body = (request as SendableRequest)[builtFrom];
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  return {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    redirect: request.redirect,
    cache: request.cache,
    credentials: request.credentials,
    integrity: request.integrity,
    keepalive: request.keepalive,
    mode: request.mode,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  };
}
