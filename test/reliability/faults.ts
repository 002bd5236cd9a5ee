// The faults of the failure catalogue (README.md), each a real loopback server that
// misbehaves in one way, and runFault, which points a client at it and records what happened.
import { expect } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createClient,
  type ApiError,
  type ClientOptions,
  type ConnectionError,
  type Message,
  type RateLimitError,
  type RedirectError,
  type TimeoutError,
  type UnexpectedResponseError,
} from '../../src/index.js';
import { expectNothingLeft, settledResources, watchUnhandledRejections } from './leftovers.js';
import { closedPort, messageJson, reply, startServer, type Handler, type LoopbackServer } from './loopback-server.js';
import { secretToken } from './token-exposure.js';

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
  /** Sees each debug line as it is written (e.g. to start a server before the retry). */
  onDebug?: (line: string, env: FaultEnv) => void;
  abortBeforeSend?: boolean;
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

function as<T>(error: unknown): T {
  return error as T;
}

export const faults: Fault[] = [
  {
    name: '429 twice, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 3,
    server: () => (_req, res, i) => (i < 2 ? retryLater(res) : reply(res, 200, messageJson())),
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
      let notBefore = 0;
      return (_req, res, i) => {
        if (i > 0) {
          // Asking again before the date the server gave is a client bug: answer it with a 500.
          return Date.now() + 5 >= notBefore ? reply(res, 200, messageJson()) : reply(res, 500, '{"error":"too early"}');
        }
        notBefore = (Math.floor(Date.now() / 1000) + 2) * 1000;
        retryLater(res, 429, { 'retry-after': new Date(notBefore).toUTCString() });
      };
    },
    check: ({ debugLines }) => {
      const wait = /^retry: 429; attempt 2 of 3 in (\d+) ms$/.exec(debugLines.find((l) => l.startsWith('retry:')) ?? '');
      expect(Number(wait?.[1])).toBeGreaterThan(900);
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
      expect(e.message).toMatch(/wait 3600 s/);
    },
  },
  {
    name: '429 on every attempt',
    outcome: 'RateLimitError',
    retried: true,
    delivered: false,
    requests: 3,
    server: () => (_req, res) => retryLater(res),
    check: ({ error }) => {
      expect(as<RateLimitError>(error).status).toBe(429);
      expect(as<RateLimitError>(error).retryAfterMs).toBeUndefined();
    },
  },
  {
    name: '503, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    server: () => (_req, res, i) => (i === 0 ? retryLater(res, 503) : reply(res, 200, messageJson())),
    check: ({ requests }) => expect(requests.map((r) => r.body.toString())).toEqual([sentBody, sentBody]),
  },
  {
    name: '503 on every attempt',
    outcome: 'ApiError',
    retried: true,
    delivered: false,
    requests: 3,
    server: () => (_req, res) => retryLater(res, 503),
    check: ({ error }) => expect(as<ApiError>(error).status).toBe(503),
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
    server: () => (req, res) => reply(res, 401, JSON.stringify({ errors: [`Invalid Access Token ${String(req.headers['api_access_token'])}`] })),
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
    name: 'Accepts the connection and never answers',
    outcome: 'TimeoutError',
    retried: false,
    delivered: true,
    requests: 1,
    client: { timeoutMs: 300 },
    clientCloses: true,
    server: () => () => {},
    check: ({ error }) => {
      expect(as<TimeoutError>(error).timeoutMs).toBe(300);
      expect(as<TimeoutError>(error).message).toMatch(/timed out after 300 ms/);
    },
  },
  {
    name: 'Sends the headers, then stalls mid-body',
    outcome: 'TimeoutError',
    retried: false,
    delivered: true,
    requests: 1,
    client: { timeoutMs: 300 },
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
    name: '503 with a 17 MiB body, then 200',
    outcome: 'Message',
    retried: true,
    delivered: true,
    requests: 2,
    server: () => (_req, res, i) => {
      if (i > 0) return reply(res, 200, messageJson());
      res.writeHead(503, { 'content-type': 'text/plain', 'content-length': String(17 * mib) });
      stream(res, 17 * mib);
    },
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
    });

    const before = await settledResources(servers);
    if (fault.abortBeforeSend) env.caller.abort(new Error('changed my mind'));
    let error: unknown;
    let message: Message | undefined;
    try {
      message = await client.messages.create(params, { signal: env.caller.signal });
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
