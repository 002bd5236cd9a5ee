// createClient: one openapi-fetch client with the token header and a guarded transport, shared by
// client.messages (the friendly API) and client.api (the raw typed client), both with the same
// timeout and retry policy. What a request needs beyond that (sending.ts) is loaded with the first
// request, so that an app that imports the client loads little more than openapi-fetch up front.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import type { AttemptContext } from './attempts.js';
import { createMessages } from './messages.js';
import { resolveOptions, type ClientOptions } from './options.js';

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
type Transport = (request: Request, init?: RequestInit) => Promise<Response>;

/** One request of client.api or client.messages, with its attempts; `ctx` overrides the client's policy. */
export type Send = (method: string, url: string, init: Init, ctx?: Partial<AttemptContext>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export function createClient(options?: ClientOptions): Digital99Client {
  const resolved = resolveOptions(options);
  let transport: Transport | undefined;
  const inner = createOpenApiClient<paths>({
    baseUrl: resolved.baseUrl,
    // The guarded transport, made on the first request (send() has loaded sending.js by then).
    fetch: async (request: Request, init?: RequestInit) => (transport ??= (await import('./sending.js')).createTransport(resolved))(request, init),
    headers: { [resolved.authHeader]: resolved.token },
    // A redirect is answered as an error: following it could carry the token to another origin.
    redirect: 'manual',
  });

  const send: Send = async (method, url, init, ctx) => {
    const { guardPerCallInit, runAttempts, SendableRequest } = await import('./sending.js');
    const perCall = guardPerCallInit(init, resolved);
    return runAttempts(
      // SendableRequest lets the transport send the request without fetch's copy of it (see
      // sendable-request.ts); a call may still pass its own Request class.
      (signal) => inner.request(method as never, url as never, { Request: SendableRequest, ...perCall, signal } as never),
      { ...resolved, policy: resolved.retry, signal: init?.signal as AbortSignal | undefined, what: `${method.toUpperCase()} ${url}`, ...ctx },
    );
  };
  const api: Record<string, unknown> = { ...inner, request: (method: string, url: string, init?: Init) => send(method, url, init) };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']) {
    api[method] = (url: string, init?: Init) => send(method, url, init);
  }

  // The token lives only in closures: nothing on this object shows it to console.log, util.inspect
  // or JSON.stringify.
  return { messages: createMessages(send, resolved), api: api as unknown as Client<paths> };
}
