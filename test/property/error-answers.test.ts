// Property-based: whatever a server answers (any status, headers, encoding and body: nested, huge,
// binary, echoing the token), the caller gets a Digital99Error (or the message), no rendering of it
// shows the token or 8 characters of it, and memory stays bounded. First errorFromResponse on its
// own (thousands of cases), then the whole client and transport against a real loopback server.
import { brotliCompressSync, deflateSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, Digital99Error, type Message } from '../../src/index.js';
import { errorFromResponse, maxErrorBodyChars } from '../../src/errors/from-response.js';
import { createRedactor } from '../../src/errors/redaction.js';
import { startServer, type LoopbackServer } from '../reliability/loopback-server.js';
import { secretToken, tokenExposures } from '../reliability/token-exposure.js';

const redactor = createRedactor(secretToken);
const request = { what: 'POST /api/v1/accounts/1/conversations/42/messages', method: 'POST', url: 'http://127.0.0.1/x' };

/** Text that may carry the token whole, cut, or several times. */
const tokenBearing = fc
  .tuple(fc.string({ maxLength: 30 }), fc.integer({ min: 0, max: secretToken.length }), fc.string({ maxLength: 30 }), fc.boolean())
  .map(([before, cut, after, whole]) => `${before}${whole ? secretToken : secretToken.slice(0, cut)}${after}`);
const printable = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,40}[\x21-\x7e])?$/);
const headerValue = fc.oneof(
  printable,
  tokenBearing.map((t) => t.replace(/[^\x21-\x7e]/g, 'x')),
  fc.integer({ min: -10, max: 10_000 }).map(String),
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(Date.UTC(9999, 0)) }).map((d) => d.toUTCString()),
  fc.constantFrom('-1', 'wait 60', 'Retry in 5', '5, 10', '1.5', ''),
);
const headers = fc.dictionary(
  fc.oneof(
    fc.constantFrom('retry-after', 'date', 'location', 'content-type', 'x-echo', 'set-cookie'),
    fc.stringMatching(/^x-[a-z0-9-]{1,12}$/),
  ),
  headerValue,
  { maxKeys: 6 },
);

function deep(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { error: value };
  return value;
}

/** The same nesting as JSON text (JSON.stringify itself overflows the stack on it). */
function deepText(depth: number, inner: unknown): string {
  const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"error":')).reverse();
  return (
    open.join('') +
    JSON.stringify(inner) +
    open
      .map((o) => (o === '[' ? ']' : '}'))
      .reverse()
      .join('')
  );
}

const deepNesting = fc.tuple(fc.integer({ min: 50, max: 6_000 }), tokenBearing);

/** Parsed bodies as openapi-fetch hands them over: JSON values, or the text when it is not JSON. */
const shallowBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  tokenBearing,
  fc.record({ error: tokenBearing, errors: fc.array(tokenBearing, { maxLength: 3 }) }),
  // Huge: the token at any place, also across the 64 KiB and 200-character cuts.
  fc
    .tuple(fc.integer({ min: 0, max: 140_000 }), fc.constantFrom(200, maxErrorBodyChars), fc.integer({ min: -40, max: 40 }))
    .map(([size, cut, shift]) => `${'x'.repeat(Math.max(0, Math.min(size, cut + shift)))}${secretToken}${'y'.repeat(size)}`),
  // Binary: any code units, lone surrogates included.
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s + secretToken + s),
);
const parsedBody = fc.oneof(
  shallowBody,
  deepNesting.map(([depth, inner]) => deep(depth, inner)),
);

function fakeResponse(status: number, statusText: string, headerInit: Record<string, string>): Response {
  return { status, statusText, headers: new Headers(headerInit), type: 'default' } as Response;
}

describe('errorFromResponse, for any answer', () => {
  it('is a Digital99Error that shows no piece of the token, with a bounded body and a finite wait', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 999 }),
        fc.oneof(
          printable,
          tokenBearing.map((t) => t.replace(/[^\x20-\x7e]/g, ' ')),
        ),
        headers,
        parsedBody,
        (status, statusText, headerInit, body) => {
          const error = errorFromResponse(fakeResponse(status, statusText, headerInit), body, request, {
            authHeader: 'api_access_token',
            redactor,
          });
          expect(error).toBeInstanceOf(Digital99Error);
          expect(typeof error.mayHaveBeenDelivered).toBe('boolean');
          expect(error.status).toBe(status);
          expect(tokenExposures(error)).toEqual([]);
          if (typeof error.body === 'string') expect(error.body.length).toBeLessThanOrEqual(maxErrorBodyChars);
          expect(error.message.length).toBeLessThan(2_000);
          const wait = (error as { retryAfterMs?: unknown }).retryAfterMs;
          if (wait !== undefined) expect(Number.isFinite(wait) && (wait as number) >= 0).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the client and transport, against a real server answering anything', () => {
  const mib = 1024 * 1024;
  /** What the client reads is the same at any quality; the default (11) spends seconds of CPU on MiBs. */
  const brotliFast = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } };
  // Encoded once: 64 MiB of spaces each, a few dozen KiB on the wire. Brotli at quality 5: the same
  // 102 bytes as at its default (11), which spent a second of CPU on it.
  const bombs = (() => {
    const plain = Buffer.alloc(64 * mib, 0x20);
    return {
      gzip: gzipSync(plain),
      deflate: deflateSync(plain),
      br: brotliCompressSync(plain, brotliFast),
    };
  })();

  interface Answer {
    status: number;
    headers: Record<string, string>;
    encoding: 'identity' | 'gzip' | 'deflate' | 'br';
    body: Buffer | 'bomb';
  }
  let answer: Answer;
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      const { status, encoding } = answer;
      const plain = answer.body === 'bomb' ? undefined : answer.body;
      const wire =
        encoding === 'identity'
          ? plain!
          : answer.body === 'bomb'
            ? bombs[encoding]
            : encoding === 'gzip'
              ? gzipSync(plain!)
              : encoding === 'deflate'
                ? deflateSync(plain!)
                : brotliCompressSync(plain!, brotliFast);
      const head: Record<string, string> = { ...answer.headers, 'content-length': String(wire.length) };
      if (encoding !== 'identity') head['content-encoding'] = encoding;
      res.writeHead(status, head);
      res.end(wire);
    });
  });
  afterAll(() => server.close());

  const status = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(200, 201, 303, 401, 404, 422, 429, 500, 502, 503) },
    { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
    { weight: 1, arbitrary: fc.integer({ min: 600, max: 999 }) },
  );
  const wireBody: fc.Arbitrary<Buffer | 'bomb'> = fc.oneof(
    shallowBody.map((b) => Buffer.from(typeof b === 'string' ? b : (JSON.stringify(b) ?? ''))),
    deepNesting.map(([depth, inner]) => Buffer.from(deepText(depth, inner))),
    fc.constant('{"error":"Validation failed: Too many messages"}').map((t) => Buffer.from(t)),
    fc.constant('{"id":1e400,"message_type":1,"created_at":1}').map((t) => Buffer.from(t)),
    fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from(secretToken), Buffer.from(bytes)])),
    fc.integer({ min: 0, max: 3 * mib }).map((n) => Buffer.concat([Buffer.alloc(n, 0x61), Buffer.from(secretToken)])),
    fc.constant<'bomb'>('bomb'),
  );
  const answers: fc.Arbitrary<Answer> = fc
    .record({
      status,
      headers: headers.map((h) => Object.fromEntries(Object.entries(h).filter(([name]) => name !== 'content-type'))),
      encoding: fc.constantFrom('identity', 'gzip', 'deflate', 'br'),
      body: wireBody,
    })
    .map((a) => (a.body === 'bomb' && a.encoding === 'identity' ? { ...a, encoding: 'gzip' as const } : a));

  it('every answer ends in the message or a Digital99Error without the token, and memory stays bounded', async () => {
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: server.url,
      retry: { retries: 1, minDelayMs: 0, maxDelayMs: 0 },
      timeoutMs: 5_000,
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    await fc.assert(
      fc.asyncProperty(answers, async (generated) => {
        answer = generated;
        let outcome: Message | unknown;
        try {
          outcome = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'property' });
        } catch (error) {
          outcome = error;
          expect(error).toBeInstanceOf(Digital99Error);
        }
        expect(tokenExposures(outcome instanceof Error ? outcome : undefined)).toEqual([]);
        // A 2xx bomb fails at the cap (204 and 205 carry no body on the wire); an error answer's body
        // is read only 68 KiB far anyway.
        if (generated.body === 'bomb' && generated.status < 300 && generated.status !== 204 && generated.status !== 205)
          expect((outcome as Error).message).toMatch(/past the 16777216-byte limit/);
        peak = Math.max(peak, process.memoryUsage().rss);
      }),
      { numRuns: 80 },
    );
    // A bomb inflates to 64 MiB each time; cut at 16 MiB, the peak stays far below what inflating it would take.
    expect(peak - rssBefore).toBeLessThan(256 * mib);
  }, 120_000);
});
