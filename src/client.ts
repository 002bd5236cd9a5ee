// createClient: one openapi-fetch client with the token header and a guarded transport, shared by
// client.messages (the friendly API) and client.api (the raw typed client), both with the same
// timeout and retry policy.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { runAttempts } from './attempts.js';
import { ConfigurationError } from './errors.js';
import { createMessages } from './messages.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { createTransport } from './transport.js';
import { SendableRequest } from './sendable-request.js';

export interface Digital99Client {
  messages: ReturnType<typeof createMessages>;
  /**
   * The openapi-fetch client typed by the spec's `paths`, with the same auth, timeout and retries.
   * HTTP errors come back as `{ error, response }` (openapi-fetch's way); failures with no response
   * throw typed errors.
   */
  api: Client<paths>;
}

type Init = Record<string, unknown> | undefined;
type Call = (url: string, init?: Init) => Promise<{ response: Response }>;

export function createClient(options?: ClientOptions): Digital99Client {
  const resolved = resolveOptions(options);
  const inner = createOpenApiClient<paths>({
    baseUrl: resolved.baseUrl,
    fetch: createTransport(resolved),
    // Lets the transport send the request without fetch's copy of it (see sendable-request.ts).
    Request: SendableRequest,
    headers: { [resolved.authHeader]: resolved.token },
    // A redirect is answered as an error: following it could carry the token to another origin.
    redirect: 'manual',
  });

  const wrap = (method: string, call: Call) => async (url: string, init?: Init) => {
    // openapi-fetch lets one call override baseUrl and fetch. Either could carry the token elsewhere
    // or skip the guarded transport: check the origin before anything is built, and wrap a per-call fetch.
    if (init?.baseUrl !== undefined) (await import('./origin-guard.js')).checkPerCallBaseUrl(init.baseUrl, resolved.origin);
    let perCall = init;
    if (init?.fetch !== undefined) {
      if (typeof init.fetch !== 'function') throw new ConfigurationError('A per-call fetch must be a function.');
      perCall = { ...init, fetch: createTransport({ ...resolved, fetch: init.fetch as typeof globalThis.fetch }) };
    }
    return runAttempts((signal) => call(url, { ...perCall, signal }), {
      ...resolved,
      policy: resolved.retry,
      signal: init?.signal as AbortSignal | undefined,
      what: `${method} ${url}`,
    });
  };
  const api: Record<string, unknown> = { ...inner };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const) {
    api[method] = wrap(method, inner[method] as Call);
  }
  api.request = (method: string, url: string, init?: Init) =>
    wrap(method.toUpperCase(), (u, i) => inner.request(method as never, u as never, i as never) as ReturnType<Call>)(url, init);

  // The token lives only in openapi-fetch's closure: nothing on this object shows it to
  // console.log, util.inspect or JSON.stringify.
  return { messages: createMessages(inner, resolved), api: api as unknown as Client<paths> };
}
