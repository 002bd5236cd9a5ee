// The faults of the failure catalogue (README.md), each a real loopback server that
// misbehaves in one way, and runFault, which points a client at it and records what happened.
import { expect } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import {
  ConnectionError as SiblingError,
  createClient,
  type AbortedError,
  type ApiError,
  type ClientOptions,
  type ConnectionError,
  type ConversationRateLimitError,
  type Message,
  type RequestOptions,
  type RateLimitError,
  type RedirectError,
  type TimeoutError,
  type UnexpectedResponseError,
} from '../../src/index.js';
import { expectNothingLeft, settledResources, watchUnhandledRejections } from './leftovers.js';
import * as errors from '../../src/errors/classes.js';
import { closedPort, reply, startServer, type Handler, type LoopbackServer } from './loopback-server.js';
import { secretToken } from './token-exposure.js';
import { messageJson } from '../support/sample-message.js';

export interface FaultEnv {
  /** The port the client is pointed at (nothing may be listening on it). */
  port: number;
  /** A second origin: a redirect points here, and it must receive nothing, ever. */
  other: LoopbackServer;
  /** The caller's controller; create() gets its signal. */
  caller: AbortController;
  /** Starts a server on `port` (for a server that comes up between attempts). */
  startLate(handler: Handler): Promise<void>;
}

export interface FaultRun {
  error: unknown;
  message: Message | undefined;
  /** Every request that reached the client's own origin, in order. */
  requests: LoopbackServer['requests'];
  /** Requests that left the client (one debug line each), whether or not a server got them. */
  attempts: number;
  debugLines: string[];
  other: LoopbackServer;
  unhandledRejections: unknown[];
}

export interface Fault {
  /** The row's first cell in the README's failure catalogue, and the test's name. */
  name: string;
  /** What the caller gets: an error class name, or `Message` when create() resolves. */
  outcome: string;
  retried: boolean;
  /** error.mayHaveBeenDelivered; for a Message, true (it was posted). */
  delivered: boolean;
  /** Requests the client's origin must have received: exactly this many. */
  requests: number;
  /** The misbehaving server; absent: nothing listens on the port (connection refused). */
  server?: (env: FaultEnv) => Handler;
  client?: Partial<ClientOptions>;
  /** Client options that need the port (e.g. an https baseUrl to the fault's server), over `client`. */
  clientFor?: (env: FaultEnv) => Partial<ClientOptions>;
  /** What create() is given instead of the usual params (e.g. with a stream attachment); made per run. */
  params?: () => Record<string, unknown>;
  /** Sees each debug line as it is written (e.g. to start a server before the retry). */
  onDebug?: (line: string, env: FaultEnv) => void;
  abortBeforeSend?: boolean;
  /** Per-call options of create(), over { signal: env.caller.signal }. */
  callOptions?: Record<string, unknown>;
  /** The client must itself close the connections that carried requests (no complete response). */
  clientCloses?: boolean;
  /** Fault-specific checks of the error (or message) and what the server received. */
  check?: (run: FaultRun) => void;
}

const params = { account_id: 1, conversation_id: 42, content: 'Hello from the reliability suite', message_type: 'outgoing' } as const;
export const sentBody = JSON.stringify({ content: params.content, message_type: params.message_type });

const mib = 1024 * 1024;
const nginx502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** A Date header (IMF-fixdate) `second` seconds into a minute of the server's clock. */
function dateAt(second: number): string {
  return new Date(Date.UTC(2026, 10, 29, 14, 0, second)).toUTCString();
}

// At the fastest level: brotli's default (quality 11) spends seconds of CPU on 64 MiB.
function compressed(encoding: 'gzip' | 'deflate' | 'br', decoded: number): Buffer {
  const plain = Buffer.alloc(decoded, 0x20);
  if (encoding === 'gzip') return gzipSync(plain, { level: 1 });
  if (encoding === 'deflate') return deflateSync(plain, { level: 1 });
  return brotliCompressSync(plain, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
}

/** A body that inflates to `decoded` bytes of spaces, encoded with `encoding`, sent with an honest Content-Length. */
function bomb(encoding: 'gzip' | 'deflate' | 'br', decoded = 64 * mib): Handler {
  // Compressed here, when the fault's server is set up: compressing 64 MiB (seconds on a loaded
  // machine) must not count against the client's timeout.
  const body = compressed(encoding, decoded);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': String(body.length) });
    res.end(body);
  };
}

/** JSON nested `depth` levels deep. */
function nested(depth: number, inner = '"bottom"'): string {
  return '{"error":'.repeat(depth) + inner + '}'.repeat(depth);
}

function retryLater(res: ServerResponse, status = 429, headers: Record<string, string> = {}): void {
  reply(res, status, status === 429 ? 'Retry later' : 'Service Unavailable', { 'content-type': 'text/plain', ...headers });
}

/** Writes `total` bytes of `fill`, honouring back-pressure; stops quietly if the client hangs up. */
function stream(res: ServerResponse, total: number, fill = 0x61): void {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let written = 0;
  const write = (): void => {
    while (written < total && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', write);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  write();
}

/** Writes part of a 200 and then destroys the socket: the client gets a broken body. */
function resetMidBody(res: ServerResponse): void {
  const body = messageJson();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.write(body.slice(0, 20), () => res.socket?.destroy());
}

function echoHeaders(req: IncomingMessage, res: ServerResponse): void {
  reply(res, 200, JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
}

/**
 * A fetch that throws what undici throws when connecting fails with `code` (TypeError "fetch failed"
 * over the socket's error, `syscall: 'connect'`, or undici's own connect timeout): for failures that
 * loopback cannot produce deterministically (an unreachable host or network needs a routing table
 * that says so; a connect timeout needs a peer that drops SYNs).
 */
function failingToConnect(code: string, syscall: string | undefined, message: string): typeof fetch {
  return async () => {
    const cause = Object.assign(new Error(message), syscall === undefined ? { code } : { code, syscall, address: '10.0.0.1', port: 443 });
    throw new TypeError('fetch failed', { cause });
  };
}

const fileBytes = Buffer.from('%PDF-1.7 the stream attachment %%EOF');

/** create's params with one ReadableStream attachment that yields `chunks`. */
function withStream(...chunks: unknown[]): () => Record<string, unknown> {
  return () => ({
    ...params,
    attachments: [
      {
        filename: 'a.pdf',
        contentType: 'application/pdf',
        data: new ReadableStream({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
      },
    ],
  });
}

function as<T>(error: unknown): T {
  return error as T;
}

/** The date the HTTP-date fault's server asked the client to wait for, and when it asked. */
const httpDateNotBefore = { at: 0, answeredAt: 0 };

export const faults: Fault[] = [
  {
    name: '429 twice (Retry-After: 0), then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 3,
    server: () => (_req, res, i) => (i < 2 ? retryLater(res, 429, { 'retry-after': '0' }) : reply(res, 200, messageJson())),
    check: ({ message, requests }) => {
      expect(message?.id).toBe(1022);
      expect(requests.map((r) => r.body.toString())).toEqual([sentBody, sentBody, sentBody]);
    },
  },
  {
    name: '429 with Retry-After in seconds, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    client: { retry: { retries: 2, minDelayMs: 10, maxDelayMs: 2_000 } },
    server: () => (_req, res, i) => (i === 0 ? retryLater(res, 429, { 'retry-after': '1' }) : reply(res, 200, messageJson())),
    check: ({ requests, debugLines }) => {
      expect(debugLines).toContain('retry: 429; attempt 2 of 3 in 1000 ms');
      // The wait the server asked for is a lower bound on the second request, not a speed claim.
      const [first, second] = requests;
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(990);
    },
  },
  {
    name: '429 with Retry-After as an HTTP date, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    client: { retry: { retries: 2, minDelayMs: 10, maxDelayMs: 3_000 } },
    server: () => {
      return (_req, res, i) => {
        if (i > 0) {
          // Asking again before the date the server gave is a client bug: answer it with a 500. (5 ms:
          // a timer may fire a millisecond early against Date.now(); a loaded machine only makes it later.)
          return Date.now() + 5 >= httpDateNotBefore.at ? reply(res, 200, messageJson()) : reply(res, 500, '{"error":"too early"}');
        }
        httpDateNotBefore.answeredAt = Date.now();
        httpDateNotBefore.at = (Math.floor(httpDateNotBefore.answeredAt / 1000) + 2) * 1000;
        retryLater(res, 429, { 'retry-after': new Date(httpDateNotBefore.at).toUTCString() });
      };
    },
    check: ({ debugLines }) => {
      const wait = Number(/^retry: 429; attempt 2 of 3 in (\d+) ms$/.exec(debugLines.find((l) => l.startsWith('retry:')) ?? '')?.[1]);
      // The wait is read from the date: at most what was left when the 429 was sent (however long a
      // loaded machine took to read it); the server's "too early" check above says it was waited out.
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(httpDateNotBefore.at - httpDateNotBefore.answeredAt);
    },
  },
  {
    name: '429 asking to wait longer than maxDelayMs',
    outcome: 'RateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => retryLater(res, 429, { 'retry-after': '3600' }),
    check: ({ error }) => {
      const e = as<RateLimitError>(error);
      expect([e.status, e.retryAfterMs, e.body]).toEqual([429, 3_600_000, 'Retry later']);
      expect(e.message).toMatch(/send again in 3600 s/);
    },
  },
  {
    name: '429 (Retry-After: 0) on every attempt',
    outcome: 'RateLimitError',
    retried: true,
    delivered: false,
    requests: 3,
    server: () => (_req, res) => retryLater(res, 429, { 'retry-after': '0' }),
    check: ({ error }) => {
      expect(as<RateLimitError>(error).status).toBe(429);
      expect(as<RateLimitError>(error).retryAfterMs).toBe(0);
    },
  },
  {
    name: '429 without Retry-After, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    client: { retry: { retries: 2, minDelayMs: 10, maxDelayMs: 2_000 } },
    // The server's clock says hh:mm:59: its next one-minute window opens in 1 s.
    server: () => (_req, res, i) => (i === 0 ? retryLater(res, 429, { date: dateAt(59) }) : reply(res, 200, messageJson())),
    check: ({ requests, debugLines }) => {
      const wait = Number(/^retry: 429; attempt 2 of 3 in (\d+) ms$/.exec(debugLines.find((l) => l.startsWith('retry:')) ?? '')?.[1]);
      // 1 s to the window, plus up to 500 ms of jitter.
      expect(wait).toBeGreaterThanOrEqual(1_000);
      expect(wait).toBeLessThanOrEqual(1_500);
      expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(990);
    },
  },
  {
    name: '429 without Retry-After, the next minute past maxDelayMs',
    outcome: 'RateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => retryLater(res, 429, { date: dateAt(30) }),
    check: ({ error }) => {
      expect(as<RateLimitError>(error).retryAfterMs).toBe(30_000);
      expect(as<RateLimitError>(error).message).toMatch(/send again in 30 s/);
    },
  },
  {
    name: '429 without Retry-After or Date',
    outcome: 'RateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => {
      res.sendDate = false;
      retryLater(res);
    },
    check: ({ error }) => expect(as<RateLimitError>(error).retryAfterMs).toBe(60_000),
  },
  {
    name: '429 with Retry-After -1 (not a delay)',
    outcome: 'RateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => retryLater(res, 429, { 'retry-after': '-1', date: dateAt(45) }),
    check: ({ error }) => expect(as<RateLimitError>(error).retryAfterMs).toBe(15_000),
  },
  {
    name: '422 Too many messages (the flood limit)',
    outcome: 'ConversationRateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => reply(res, 422, '{"error":"Validation failed: Too many messages"}'),
    check: ({ error }) => {
      const e = as<ConversationRateLimitError>(error);
      expect([e.status, e.retryAfterMs, e.body]).toEqual([422, 60_000, { error: 'Validation failed: Too many messages' }]);
      expect(e).toBeInstanceOf(errors.RateLimitError);
      expect(e.message).toMatch(/flood limit.*nothing was posted.*60 s/);
    },
  },
  {
    name: '422 Too many messages with Retry-After, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    server: () => (_req, res, i) =>
      i === 0
        ? reply(res, 422, '{"error":"Validation failed: Too many messages"}', { 'retry-after': '0' })
        : reply(res, 200, messageJson()),
    check: ({ requests }) => expect(requests.map((r) => r.body.toString())).toEqual([sentBody, sentBody]),
  },
  {
    name: '503 with Retry-After, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    server: () => (_req, res, i) => (i === 0 ? retryLater(res, 503, { 'retry-after': '0' }) : reply(res, 200, messageJson())),
    check: ({ requests }) => expect(requests.map((r) => r.body.toString())).toEqual([sentBody, sentBody]),
  },
  {
    name: '503 with Retry-After on every attempt',
    outcome: 'ApiError',
    retried: true,
    delivered: false,
    requests: 3,
    server: () => (_req, res) => retryLater(res, 503, { 'retry-after': '0' }),
    check: ({ error }) => expect(as<ApiError>(error).status).toBe(503),
  },
  {
    name: '503 without Retry-After (a proxy after forwarding the POST)',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) =>
      reply(res, 503, 'upstream connect error or disconnect/reset before headers. reset reason: connection termination', {
        'content-type': 'text/plain',
      }),
    check: ({ error }) => {
      expect(as<ApiError>(error).status).toBe(503);
      expect(as<ApiError>(error).message).toMatch(/may have posted the message/);
    },
  },
  {
    name: '500 with a JSON error',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 500, '{"error":"Internal Server Error"}'),
    check: ({ error }) => {
      const e = as<ApiError>(error);
      expect([e.status, e.body]).toEqual([500, { error: 'Internal Server Error' }]);
      expect(e.message).toMatch(/may have posted the message/);
    },
  },
  {
    name: '502 with an HTML page from a proxy',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 502, nginx502, { 'content-type': 'text/html' }),
    check: ({ error }) => {
      const e = as<ApiError>(error);
      expect(e.status).toBe(502);
      expect(e.message).toMatch(/502 Bad Gateway/);
      expect(e.message).not.toMatch(/<\/?[a-z]+>/);
    },
  },
  {
    name: '504 from a gateway',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 504, 'upstream request timeout', { 'content-type': 'text/plain' }),
    check: ({ error }) => expect(as<ApiError>(error).status).toBe(504),
  },
  {
    name: '401 that echoes the token back',
    outcome: 'AuthenticationError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (req, res) =>
      reply(res, 401, JSON.stringify({ errors: [`Invalid Access Token ${String(req.headers['api_access_token'])}`] })),
    check: ({ error }) => expect(as<ApiError>(error).body).toEqual({ errors: ['Invalid Access Token [redacted]'] }),
  },
  {
    name: '404 for an unknown conversation',
    outcome: 'NotFoundError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => reply(res, 404, '{"error":"Resource could not be found"}'),
    check: ({ error }) => expect(as<ApiError>(error).message).toMatch(/Resource could not be found/),
  },
  {
    name: '422 refusing the message',
    outcome: 'UnprocessableEntityError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => reply(res, 422, '{"error":"Validation failed: Content is too long"}'),
    check: ({ error }) => expect(as<ApiError>(error).message).toMatch(/Content is too long/),
  },
  {
    name: '200 with an empty body',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 200, ''),
    check: ({ error }) => {
      expect(as<UnexpectedResponseError>(error).status).toBe(200);
      expect(as<UnexpectedResponseError>(error).message).toMatch(/empty body/);
    },
  },
  {
    name: '200 with truncated JSON',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 200, messageJson().slice(0, 40)),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/not JSON/),
  },
  {
    name: '200 with an HTML login page',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 200, '<!doctype html><title>Sign in</title><form>…</form>', { 'content-type': 'text/html' }),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/not JSON/),
  },
  {
    name: '200 with JSON that is not a message',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 200, '{"ok":true,"data":[]}'),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/not a message/),
  },
  {
    name: '200 with an id that overflows (1e400)',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 200, messageJson().replace('"id":1022', '"id":1e400')),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/not a message/),
  },
  {
    name: '200 that echoes the request headers back',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => echoHeaders,
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).body).toContain('[redacted]'),
  },
  {
    name: '200 with the token across the 200-character cut',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (req, res) => reply(res, 200, `${'x'.repeat(188)} ${String(req.headers['api_access_token'])} trailing`),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/not JSON/),
  },
  {
    name: '502 with the token across the 200-character cut',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (req, res) =>
      reply(res, 502, `${'x'.repeat(188)} ${String(req.headers['api_access_token'])} trailing`, { 'content-type': 'text/plain' }),
    check: ({ error }) => expect(as<ApiError>(error).status).toBe(502),
  },
  {
    name: '401 with the token in the reason phrase',
    outcome: 'AuthenticationError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (req, res) => {
      res.writeHead(401, `Echo ${String(req.headers['api_access_token'])}`, { 'content-type': 'application/json' });
      res.end('{"error":"Invalid Access Token"}');
    },
    check: ({ error }) => expect(as<ApiError>(error).message).toMatch(/failed with 401 Echo \[redacted\]: Invalid Access Token/),
  },
  {
    name: '502 whose 64 KiB cut falls inside the echoed token',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (req, res) =>
      reply(res, 502, `${'x'.repeat(64 * 1024 - 5)}${String(req.headers['api_access_token'])} and more`, { 'content-type': 'text/plain' }),
    // Cut first, the body ended in 5 characters of the token; redacted first, it ends in "[reda", which goes too.
    check: ({ error }) => expect(as<ApiError>(error).body).toBe('x'.repeat(64 * 1024 - 5)),
  },
  {
    name: '401 echoing the token URL-, form-, JSON- and HTML-encoded',
    outcome: 'AuthenticationError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (req, res) => {
      const token = String(req.headers['api_access_token']);
      const spellings = [
        encodeURIComponent(token),
        new URLSearchParams({ token }).toString(),
        encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
        JSON.stringify(token).replace(/\//g, '\\/'),
        token.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`),
      ];
      reply(res, 401, JSON.stringify({ error: `Invalid Access Token ${spellings.join(' ')}`, spellings }));
    },
    check: ({ error }) => expect(as<ApiError>(error).message).toContain('Invalid Access Token [redacted] token=[redacted] [redacted]'),
  },
  {
    name: 'Accepts the connection and never answers',
    outcome: 'TimeoutError',
    retried: false,
    delivered: true,
    requests: 1,
    // 1 s, not less: the request has reached the server before it runs out, on a loaded machine too.
    client: { timeoutMs: 1_000 },
    clientCloses: true,
    server: () => () => {},
    check: ({ error }) => {
      expect(as<TimeoutError>(error).timeoutMs).toBe(1_000);
      expect(as<TimeoutError>(error).message).toMatch(/timed out after 1000 ms/);
    },
  },
  {
    name: 'Sends the headers, then stalls mid-body',
    outcome: 'TimeoutError',
    retried: false,
    delivered: true,
    requests: 1,
    // 1 s, not less: the request has reached the server before it runs out, on a loaded machine too.
    client: { timeoutMs: 1_000 },
    clientCloses: true,
    server: () => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id": 1022, ');
    },
  },
  {
    name: 'Closes the connection after reading the request',
    outcome: 'ConnectionError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    server: () => (req) => req.socket.destroy(),
    check: ({ error }) => expect(as<ConnectionError>(error).code).toBe('UND_ERR_SOCKET'),
  },
  {
    name: 'Resets the connection mid-body',
    outcome: 'ConnectionError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    server: () => (_req, res) => resetMidBody(res),
    check: ({ error }) => expect(as<ConnectionError>(error).message).toMatch(/without a complete response/),
  },
  {
    name: '200 with a Content-Length over 16 MiB',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    server: () => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(17 * mib) });
      stream(res, 17 * mib);
    },
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/over the 16777216-byte limit/),
  },
  {
    name: '200 with a chunked body growing past 16 MiB',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    server: () => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      stream(res, 20 * mib);
    },
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/past the 16777216-byte limit/),
  },
  {
    name: '200 gzip body inflating past 16 MiB (honest Content-Length)',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => bomb('gzip'),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/past the 16777216-byte limit/),
  },
  {
    name: '200 deflate body inflating past 16 MiB (honest Content-Length)',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => bomb('deflate'),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/past the 16777216-byte limit/),
  },
  {
    name: '200 br body inflating past 16 MiB (honest Content-Length)',
    outcome: 'UnexpectedResponseError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => bomb('br'),
    check: ({ error }) => expect(as<UnexpectedResponseError>(error).message).toMatch(/past the 16777216-byte limit/),
  },
  {
    name: '500 with JSON nested 5,000 levels deep',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (req, res) => reply(res, 500, nested(5_000, JSON.stringify(String(req.headers['api_access_token'])))),
    check: ({ error }) => {
      let depth = 0;
      for (let b = as<ApiError>(error).body; typeof b === 'object' && b !== null; b = (b as { error: unknown }).error) depth++;
      expect(depth).toBe(64);
    },
  },
  {
    name: '422 with JSON nested 5,000 levels deep',
    outcome: 'UnprocessableEntityError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => reply(res, 422, nested(5_000)),
  },
  {
    name: '502 with a chunked HTML body growing past 16 MiB',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.write('<html><head><title>502 Bad Gateway</title></head><body>');
      stream(res, 20 * mib, 0x20);
    },
    check: ({ error }) => expect(as<ApiError>(error).message).toMatch(/502 Bad Gateway/),
  },
  {
    name: '503 with Retry-After and a 17 MiB body, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    server: () => (_req, res, i) => {
      if (i > 0) return reply(res, 200, messageJson());
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0', 'content-length': String(17 * mib) });
      stream(res, 17 * mib);
    },
  },
  {
    name: '303 See Other after the POST was processed',
    outcome: 'RedirectError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 303, '', { location: '/api/v1/accounts/1/conversations/42/messages/1022' }),
    check: ({ error }) => expect(as<RedirectError>(error).message).toMatch(/303.*probably posted/),
  },
  {
    name: 'Status 600 from a broken server',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 600, '{"error":"six hundred"}'),
    check: ({ error }) => expect([as<ApiError>(error).status, as<ApiError>(error).body]).toEqual([600, { error: 'six hundred' }]),
  },
  {
    name: 'Status 999 from a broken server',
    outcome: 'ApiError',
    retried: false,
    delivered: true,
    requests: 1,
    server: () => (_req, res) => reply(res, 999, 'nine nine nine', { 'content-type': 'text/plain' }),
    check: ({ error }) => expect([as<ApiError>(error).status, as<ApiError>(error).body]).toEqual([999, 'nine nine nine']),
  },
  {
    name: '307 redirect to another origin',
    outcome: 'RedirectError',
    retried: false,
    delivered: false,
    requests: 1,
    server: (env) => (req, res) => reply(res, 307, '', { location: `${env.other.url}${req.url ?? ''}` }),
    check: ({ error, other }) => {
      const e = as<RedirectError>(error);
      expect([e.status, e.location]).toEqual([307, `${other.url}/api/v1/accounts/1/conversations/42/messages`]);
      expect(e.message).toContain(`${other.url}/api/v1/accounts/1/conversations/42/messages`);
    },
  },
  {
    name: '301 redirect whose Location carries the token',
    outcome: 'RedirectError',
    retried: false,
    delivered: false,
    requests: 1,
    server: (env) => (req, res) =>
      reply(res, 301, '', { location: `${env.other.url}/login?api_access_token=${String(req.headers['api_access_token'])}` }),
    check: ({ error, other }) => expect(as<RedirectError>(error).location).toBe(`${other.url}/login?api_access_token=[redacted]`),
  },
  {
    name: 'Connection refused (nothing listening)',
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    check: ({ error, attempts }) => {
      expect(as<ConnectionError>(error).code).toBe('ECONNREFUSED');
      expect(attempts).toBe(3);
    },
  },
  {
    name: 'Connection refused, then the server comes up',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 1,
    // The wait before the retry is long enough for a loopback listen() to finish.
    client: { retry: { retries: 2, minDelayMs: 400, maxDelayMs: 400 } },
    onDebug: (line, env) => {
      if (line.startsWith('retry: ECONNREFUSED')) void env.startLate((_req, res) => reply(res, 200, messageJson()));
    },
    check: ({ requests }) => expect(requests.map((r) => r.body.toString())).toEqual([sentBody]),
  },
  {
    name: 'Host name that does not resolve (ENOTFOUND, a .invalid name)',
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    // RFC 6761: .invalid never resolves; the local resolver answers NXDOMAIN without the network.
    client: { baseUrl: 'https://no-such-host.invalid' },
    check: ({ error, attempts }) => {
      expect(as<ConnectionError>(error).code).toBe('ENOTFOUND');
      expect(as<ConnectionError>(error).message).toMatch(/nothing was sent/);
      expect(attempts).toBe(3);
    },
  },
  {
    name: 'TLS handshake fails (https to a server that does not speak TLS)',
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    server: () => (_req, res) => reply(res, 200, messageJson()),
    clientFor: (env) => ({ baseUrl: `https://127.0.0.1:${env.port}` }),
    check: ({ error }) => expect(as<ConnectionError>(error).message).toMatch(/nothing was sent/),
  },
  {
    name: "Port that fetch refuses (6000, a 'bad port')",
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    client: { baseUrl: 'http://127.0.0.1:6000' },
    check: ({ error }) => expect(as<ConnectionError>(error).message).toMatch(/bad port/),
  },
  {
    name: 'Host unreachable (EHOSTUNREACH, from an injected fetch)',
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    client: { fetch: failingToConnect('EHOSTUNREACH', 'connect', 'connect EHOSTUNREACH 10.0.0.1:443') },
    check: ({ error }) => expect(as<ConnectionError>(error).code).toBe('EHOSTUNREACH'),
  },
  {
    name: 'Network unreachable (ENETUNREACH, from an injected fetch)',
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    client: { fetch: failingToConnect('ENETUNREACH', 'connect', 'connect ENETUNREACH 10.0.0.1:443') },
    check: ({ error }) => expect(as<ConnectionError>(error).code).toBe('ENETUNREACH'),
  },
  {
    name: "Connect timeout (undici's UND_ERR_CONNECT_TIMEOUT, from an injected fetch)",
    outcome: 'ConnectionError',
    retried: true,
    delivered: false,
    requests: 0,
    client: {
      fetch: failingToConnect(
        'UND_ERR_CONNECT_TIMEOUT',
        undefined,
        'Connect Timeout Error (attempted address: 10.0.0.1:443, timeout: 10000ms)',
      ),
    },
    check: ({ error }) => expect(as<ConnectionError>(error).code).toBe('UND_ERR_CONNECT_TIMEOUT'),
  },
  {
    name: 'Socket error while reading the answer (ECONNRESET, from an injected fetch)',
    outcome: 'ConnectionError',
    retried: false,
    delivered: true,
    requests: 0,
    // The contrast: a reset after connecting may come after the request was written.
    client: { fetch: failingToConnect('ECONNRESET', 'read', 'read ECONNRESET') },
    check: ({ error }) => expect(as<ConnectionError>(error).code).toBe('ECONNRESET'),
  },
  {
    name: 'Stream attachment, 429 (Retry-After: 0), then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    params: withStream(fileBytes.subarray(0, 8), fileBytes.subarray(8)),
    server: () => (_req, res, index) => (index === 0 ? retryLater(res, 429, { 'retry-after': '0' }) : reply(res, 200, messageJson())),
    // The stream was read once, before the first attempt: the retry carries the same file.
    check: ({ requests }) => {
      for (const request of requests) expect(request.body.includes(fileBytes)).toBe(true);
    },
  },
  {
    name: 'Stream attachment yielding strings instead of bytes',
    outcome: 'InvalidInputError',
    retried: false,
    delivered: false,
    requests: 0,
    params: withStream('x'.repeat(1024)),
    server: () => (_req, res) => reply(res, 200, messageJson()),
    check: ({ error }) => expect(as<Error>(error).message).toMatch(/chunk of type string, not bytes/),
  },
  {
    name: '429 with Retry-After: 9999999999',
    outcome: 'RateLimitError',
    retried: false,
    delivered: false,
    requests: 1,
    server: () => (_req, res) => retryLater(res, 429, { 'retry-after': '9999999999' }),
    check: ({ error }) => expect(as<errors.RateLimitError>(error).retryAfterMs).toBe(9_999_999_999_000),
  },
  {
    name: 'Caller aborts before sending',
    outcome: 'AbortedError',
    retried: false,
    delivered: false,
    requests: 0,
    abortBeforeSend: true,
    server: () => (_req, res) => reply(res, 200, messageJson()),
    check: ({ attempts }) => expect(attempts).toBe(0),
  },
  {
    name: 'Caller aborts while the request is in flight',
    outcome: 'AbortedError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    server: (env) => () => env.caller.abort(new Error('the user pressed cancel')),
  },
  {
    name: "Caller aborts in flight with another call's Digital99Error as the reason",
    outcome: 'AbortedError',
    retried: false,
    delivered: true,
    requests: 1,
    clientCloses: true,
    // The fan-out pattern: the first failure aborts the siblings with itself.
    server: (env) => () =>
      env.caller.abort(new SiblingError('sibling call: could not connect', { mayHaveBeenDelivered: false, code: 'ECONNREFUSED' })),
    check: ({ error }) => {
      const e = as<AbortedError>(error);
      expect(e.message).toMatch(/while in flight; the server may have posted the message/);
      expect(e.cause).toBeInstanceOf(SiblingError);
      expect(e.code).toBe('ABORT_ERR');
    },
  },
  {
    name: 'A signal that is not an AbortSignal',
    outcome: 'ConfigurationError',
    retried: false,
    delivered: false,
    requests: 0,
    callOptions: { signal: { aborted: false, addEventListener() {} } },
    server: () => (_req, res) => reply(res, 200, messageJson()),
    check: ({ error, attempts }) => {
      expect(attempts).toBe(0);
      expect(as<Error>(error).message).toMatch(/^signal \(per call\) must be an AbortSignal, e\.g\. new AbortController\(\)\.signal/);
    },
  },
  {
    name: 'Caller aborts while waiting to retry after a 429',
    outcome: 'AbortedError',
    retried: false,
    delivered: false,
    requests: 1,
    // Without the abort the wait would outlast the test: ending at all proves the abort was honoured.
    client: { retry: { retries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 } },
    onDebug: (line, env) => {
      if (line.startsWith('retry:')) setImmediate(() => env.caller.abort(new Error('shutting down')));
    },
    server: () => (_req, res) => retryLater(res),
    check: ({ error }) => expect(as<Error>(error).message).toMatch(/waiting to retry/),
  },
];

/** Points a client at the fault's server and sends one message; checks nothing was left behind. */
export async function runFault(fault: Fault): Promise<FaultRun> {
  const rejections = watchUnhandledRejections();
  const other = await startServer((_req, res) => reply(res, 200, messageJson()));
  const servers: LoopbackServer[] = [other];
  const own: LoopbackServer[] = [];
  let port = 0;
  const env: FaultEnv = {
    get port() {
      return port;
    },
    other,
    caller: new AbortController(),
    async startLate(handler) {
      const server = await startServer(handler, port);
      servers.push(server);
      own.push(server);
    },
  };
  try {
    if (fault.server) {
      const server = await startServer(fault.server(env));
      servers.push(server);
      own.push(server);
      port = server.port;
    } else {
      port = await closedPort();
    }
    const debugLines: string[] = [];
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 5_000,
      retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 },
      debug: (line) => {
        debugLines.push(line);
        fault.onDebug?.(line, env);
      },
      ...fault.client,
      ...fault.clientFor?.(env),
    });

    const before = await settledResources(servers);
    if (fault.abortBeforeSend) env.caller.abort(new Error('changed my mind'));
    let error: unknown;
    let message: Message | undefined;
    try {
      message = await client.messages.create(
        (fault.params?.() ?? params) as typeof params,
        { signal: env.caller.signal, ...fault.callOptions } as RequestOptions,
      );
    } catch (caught) {
      error = caught;
    }
    if (fault.clientCloses) await Promise.all(own.map((server) => server.requestConnectionsClosed()));
    await expectNothingLeft(before, servers);
    // An unhandled rejection is reported after the microtask queue drains: give it a turn.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    return {
      error,
      message,
      requests: own.flatMap((server) => server.requests),
      attempts: debugLines.filter((line) => line.startsWith('→ ')).length,
      debugLines,
      other,
      unhandledRejections: [...rejections.seen],
    };
  } finally {
    rejections.stop();
    await Promise.all(servers.map((server) => server.close()));
  }
}
