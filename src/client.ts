// createClient: one openapi-fetch client with the token header and a guarded transport, shared by
// client.messages (the friendly API) and client.api (the raw typed client), both with the same
// timeout and retry policy.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { runAttempts } from './attempts.js';
import { createMessages } from './messages.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { createTransport } from './transport.js';

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

export function createClient(options?: ClientOptions): Digital99Client {
  const resolved = resolveOptions(options);
  const inner = createOpenApiClient<paths>({
    baseUrl: resolved.baseUrl,
    fetch: createTransport(resolved),
    headers: { [resolved.authHeader]: resolved.token },
    // A redirect is answered as an error: following it could carry the token to another origin.
    redirect: 'manual',
  });

  const api = { ...inner } as Client<paths>;
  for (const method of methods) {
    const call = inner[method] as (url: string, init?: Record<string, unknown>) => Promise<{ response: Response }>;
    (api as unknown as Record<string, unknown>)[method] = (url: string, init?: Record<string, unknown>) =>
      runAttempts((signal) => call(url, { ...init, signal }), {
        policy: resolved.retry,
        timeoutMs: resolved.timeoutMs,
        signal: init?.signal as AbortSignal | undefined,
        what: `${method} ${url}`,
        debug: resolved.debug,
      });
  }

  // The token lives only in openapi-fetch's closure: nothing on this object shows it to
  // console.log, util.inspect or JSON.stringify.
  return { messages: createMessages(inner, resolved), api };
}
