// The fetch that openapi-fetch calls: it refuses to send the token anywhere but the configured
// origin, never follows redirects (see createClient), caps response size and writes debug lines.
import { ConfigurationError, UnexpectedResponseError } from './errors.js';
import { describeHeaders } from './debug-log.js';

/** A message is a few KB; anything past this is not an answer from the messages API. */
export const maxResponseBytes = 16 * 1024 * 1024;

export interface TransportOptions {
  origin: string;
  fetch: typeof globalThis.fetch;
  debug: ((line: string) => void) | undefined;
}

export function createTransport({ origin, fetch: fetchImpl, debug }: TransportOptions) {
  return async function transport(request: Request, init?: RequestInit): Promise<Response> {
    // openapi-fetch lets a call override baseUrl; the token must not follow it elsewhere.
    if (!request.url.startsWith(origin + '/')) {
      throw new ConfigurationError(
        `Refusing to send the API token to ${new URL(request.url).origin}: this client is configured for ${origin}. ` +
          'Create another client for that server.',
      );
    }
    const started = debug ? performance.now() : 0;
    debug?.(`→ ${request.method} ${request.url} ${describeHeaders(request.headers)}`);
    const response = init === undefined ? await fetchImpl(request) : await fetchImpl(request, init);
    if (debug) {
      const ms = Math.round(performance.now() - started);
      debug(`← ${response.status} ${request.method} ${request.url} in ${ms} ms ${describeHeaders(response.headers)}`);
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
