// createClient: one openapi-fetch client with the token header and a guarded transport, shared by
// client.messages (the friendly API) and client.api (the raw typed client), both with the same
// timeout and retry policy.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { runAttempts } from './attempts.js';
import { createMessages } from './messages.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { ConfigurationError } from './errors.js';
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

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/**
 * openapi-fetch lets one call override baseUrl and fetch. Either could carry the token elsewhere or
 * skip the guarded transport: check the origin before anything is built, and wrap a per-call fetch.
 */
function guardPerCallInit(init: Record<string, unknown> | undefined, resolved: ResolvedOptions): Record<string, unknown> | undefined {
  const { origin } = resolved;
  if (!init) return init;
  let guarded = init;
  if (init.baseUrl !== undefined) {
    let target: string;
    try {
      const url = new URL(String(init.baseUrl));
      target = url.username || url.password ? `${url.host} (a URL with credentials)` : url.origin;
    } catch {
      target = 'an invalid baseUrl';
    }
    if (target !== origin) {
      throw new ConfigurationError(
        `Refusing to send the API token to ${target}: this client is configured for ${origin}. Create another client for that server.`,
      );
    }
  }
  if (init.fetch !== undefined) {
    if (typeof init.fetch !== 'function') throw new ConfigurationError('A per-call fetch must be a function.');
    guarded = { ...init, fetch: createTransport({ ...resolved, fetch: init.fetch as typeof globalThis.fetch }) };
  }
  return guarded;
}

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

  const api = { ...inner } as Client<paths>;
  const wrap = (method: string, call: (url: string, init?: Record<string, unknown>) => Promise<{ response: Response }>) =>
    async (url: string, init?: Record<string, unknown>) => {
      const perCall = guardPerCallInit(init, resolved);
      return runAttempts((signal) => call(url, { ...perCall, signal }), {
        policy: resolved.retry,
        timeoutMs: resolved.timeoutMs,
        signal: init?.signal as AbortSignal | undefined,
        what: `${method} ${url}`,
        debug: resolved.debug,
      });
    };
  for (const method of methods) {
    (api as unknown as Record<string, unknown>)[method] = wrap(method, inner[method] as Parameters<typeof wrap>[1]);
  }
  (api as unknown as Record<string, unknown>).request = (method: string, url: string, init?: Record<string, unknown>) =>
    wrap(method.toUpperCase(), (u, i) => inner.request(method as never, u as never, i as never) as Promise<{ response: Response }>)(url, init);

  // The token lives only in openapi-fetch's closure: nothing on this object shows it to
  // console.log, util.inspect or JSON.stringify.
  return { messages: createMessages(inner, resolved), api };
}
