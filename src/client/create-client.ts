// createClient: one openapi-fetch client with the token header and a guarded transport, shared by
// client.messages (the friendly API) and client.api (the raw typed client), both with the same
// timeout and retry policy. Every error either throws leaves through the client's redactor.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/schema.js';
import { createManyWith } from '../bulk/create-many.js';
import type { CreateManyInput, CreateManyItem, CreateManyOptions, CreateManyResult } from '../bulk/types.js';
import { createMessages, type Messages, type Send } from '../messages/create.js';
import { messagePromise } from '../messages/message-promise.js';
import type { CreateMessageParams } from '../messages/types.js';
import { runAttempts } from '../retry/attempts.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { SendableRequest } from './sendable-request.js';
import { createTransport, guardPerCallInit } from './transport.js';

export interface Digital99Client {
  messages: Messages & {
    /**
     * Sends many messages, paced under the server's limits (`perMinute`, default 2,400), one at a
     * time per conversation in input order; yields one result per item as it settles. `items` may
     * be an array, an iterable or an async iterable (read as the batch goes).
     */
    createMany<T extends CreateManyItem>(items: CreateManyInput<T>, options?: CreateManyOptions<T>): AsyncIterable<CreateManyResult>;
  };
  /**
   * The openapi-fetch client typed by the spec's `paths`, with the same auth, timeout and retries.
   * HTTP errors come back as `{ error, response }` (openapi-fetch's way); failures with no response
   * throw typed errors.
   */
  api: Client<paths>;
}

type Init = Record<string, unknown> | undefined;

export function createClient(options?: ClientOptions): Digital99Client {
  const resolved = resolveOptions(options);
  const { redactor } = resolved;
  const inner = createOpenApiClient<paths>({
    baseUrl: resolved.baseUrl,
    // The token header is added by the transport, after middleware (client.api.use) ran.
    fetch: createTransport(resolved),
    // A redirect is answered as an error: following it could carry the token to another origin.
    redirect: 'manual',
  });

  /** The redaction boundary: whatever a call throws has the token cut out of it on the way out. */
  function redacting<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      try {
        return await call(...args);
      } catch (error) {
        throw redactor.error(error);
      }
    };
  }

  const send: Send = redacting(async (method, url, init, ctx) => {
    const perCall = guardPerCallInit(init, resolved);
    return runAttempts(
      // SendableRequest lets the transport send the request without fetch's copy of it (see
      // sendable-request.ts); a call may still pass its own Request class.
      (signal) => inner.request(method as never, url as never, { Request: SendableRequest, ...perCall, signal } as never),
      {
        ...resolved,
        policy: resolved.retry,
        signal: init?.signal as AbortSignal | undefined,
        what: `${method.toUpperCase()} ${url}`,
        ...ctx,
      },
    );
  });
  const api: Record<string, unknown> = { ...inner, request: (method: string, url: string, init?: Init) => send(method, url, init) };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']) {
    api[method] = (url: string, init?: Init) => send(method, url, init);
  }
  const created = createMessages(send, resolved);
  const createWithResponse = redacting(created.createWithResponse);
  // createMany sends through create (rate limits left to it): its errors pass the same boundary.
  const createMany = createManyWith(redacting((params: CreateMessageParams) => created.createLeavingRateLimits(params)));
  const messages: Digital99Client['messages'] = {
    create: (params, requestOptions) => messagePromise(createWithResponse(params, requestOptions)),
    createMany,
  };

  // The token lives only in closures: nothing on this object shows it to console.log, util.inspect
  // or JSON.stringify.
  return { messages, api: api as unknown as Client<paths> };
}
