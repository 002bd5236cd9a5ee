// 99digital-client/testing: a mock of the 99digital API for your own tests: Prism (the judge of
// requests against the packaged openapi.yaml) behind a small server that records each request,
// answers with the message built from it (and keeps it, for the conversation GETs), and serves
// queued failures on demand. Prism
// (@stoplight/prism-cli) is an optional peer dependency: install it to use this entry.
import { ConfigurationError } from '../errors/classes.js';
import { startFrontServer, type Respond } from './front-server.js';
import { checkMockOptions, startSpecPrism } from './mock-parts.js';
import type { PrismProcess } from './prism.js';
import type { QueuedAnswer } from './queued-answers.js';
import type { RecordedRequest } from './recorded-requests.js';

export { PrismStartError } from './errors.js';
export type { AfterProcessing, QueuedAnswer } from './queued-answers.js';
export type { RecordedField, RecordedFile, RecordedPart, RecordedRequest } from './recorded-requests.js';
export type { Respond } from './front-server.js';
export { packagedSpecPath } from './mock-parts.js';

export interface MockServerOptions {
  /** The port to listen on. Default: a free port picked for you. */
  port?: number;
  /**
   * How requests Prism accepts are answered:
   * - `'message'` (default): the message the server would create from the request: its content,
   *   content_type, content_attributes, private, echo_id and files, message_type numbered as the
   *   server does, a new id, created now.
   * - `'examples'`: the spec's response examples, as Prism serves them.
   *
   * A request with `Prefer: example=<name>` always gets that example.
   */
  respond?: Respond;
  /** The address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The OpenAPI file to serve. Default: the `openapi.yaml` shipped with 99digital-client. */
  specPath?: string;
  /**
   * Answer requests that break the spec with an error status (422 for a bad request, 500 for a
   * response that breaks the spec) rather than only flagging them in the `sl-violations` header.
   * Default true.
   */
  errors?: boolean;
  /** How long Prism may take to answer. Default 30,000 ms. */
  startTimeoutMs?: number;
  /**
   * The channel type of the inbox every mocked conversation belongs to, as the server names it:
   * `GET …/conversations/{id}` answers it as `meta.channel`. Default `'Channel::Api'` (an API
   * inbox); e.g. `'Channel::Whatsapp'` to test code that must behave differently elsewhere.
   */
  channel?: string;
  /**
   * Tokens that belong to agent bots. As on the server, they may create messages, but listing a
   * conversation's messages or reading the conversation answers 401 ("Access to this endpoint is
   * not authorized for bots"). Default: none (every token is a user's).
   */
  botTokens?: readonly string[];
}

export interface MockServer {
  /** The base URL to give the client, e.g. `http://127.0.0.1:53127` (no trailing slash). */
  readonly url: string;
  /**
   * The requests received so far, oldest first (a copy). Each has its method, path, headers (the
   * token header as sent), parsed body or multipart parts, and the status it got.
   */
  readonly requests: readonly RecordedRequest[];
  /**
   * Queues answers for the next requests (not CORS preflights), one each, in order, given before
   * Prism sees the request (as the server's rate limiter or a proxy answers): `enqueue({ status: 429 })`,
   * `enqueue({ status: 422, body: { error: 'Validation failed: Too many messages' } })`,
   * `enqueue({ delayMs: 2000 })`, `enqueue({ drop: true })`; or let the request be processed (the
   * message created and kept) and then lose its answer, `enqueue({ afterProcessing: 'drop' })`, or
   * send it late, `enqueue({ afterProcessing: { delayMs: 5000 } })`. Throws ConfigurationError for an
   * answer that makes no sense (and then queues none of them).
   */
  enqueue(...answers: QueuedAnswer[]): void;
  /** How many queued answers are still waiting for a request. */
  readonly queued: number;
  /**
   * Forgets the requests received and drops the answers still queued (e.g. in `afterEach`). The
   * messages created stay in their conversations (ids keep increasing): use a conversation id of
   * its own where a test lists messages.
   */
  reset(): void;
  /** Prism's process id. */
  readonly pid: number;
  /** Settles when Prism has exited, whatever stopped it (close(), a crash, a signal). */
  readonly exited: Promise<void>;
  /** The end of Prism's log: it says why a request got a 422 (or why Prism stopped). */
  log(): string;
  /** Stops the mock and Prism; resolves once Prism's process has exited. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts a mock of the 99digital API on a loopback port and resolves once it answers HTTP. Prism
 * judges every request against the spec (auth, validation; a 422 says the violation); the ones it
 * accepts are answered with the message built from them, which the mock keeps: `GET …/messages`
 * and `GET …/conversations/{id}` are answered from what it kept.
 *
 * ```ts
 * const mock = await startMockServer();
 * const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: mock.url, retry: false });
 * // ... your tests ... mock.requests, mock.enqueue({ status: 429 }) ...
 * await mock.close();
 * ```
 *
 * Throws ConfigurationError when Prism is not installed (the message says what to install) or the
 * port is taken, and PrismStartError, carrying Prism's log, when Prism fails to start.
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  checkCanSpawn();
  const { specPath, front: frontOptions } = checkMockOptions(options);
  // The front server first: a taken port fails at once, before Prism's slow start.
  const front = await startFrontServer(frontOptions);
  let prism: PrismProcess;
  try {
    prism = await startSpecPrism(specPath, options);
  } catch (error) {
    await front.close();
    throw error;
  }
  front.setUpstream(prism.url);
  let closing: Promise<void> | undefined;
  return {
    url: front.url,
    get requests() {
      return front.requests;
    },
    enqueue: (...answers: QueuedAnswer[]) => front.enqueue(answers),
    get queued() {
      return front.queued;
    },
    reset: () => front.reset(),
    pid: prism.pid,
    exited: prism.exited,
    log: prism.log,
    close: () => (closing ??= Promise.all([front.close(), prism.close()]).then(() => undefined)),
  };
}

/**
 * Prism is a child process: a runtime without them (Cloudflare Workers, where node:child_process is
 * only a stub, and browsers) gets this error rather than a TypeError from deep inside.
 */
function checkCanSpawn(): void {
  const g = globalThis as { navigator?: { userAgent?: unknown }; process?: { versions?: { node?: unknown } } };
  const runtime =
    g.navigator?.userAgent === 'Cloudflare-Workers'
      ? 'Cloudflare Workers'
      : typeof g.process?.versions?.node === 'string'
        ? undefined
        : 'this runtime';
  if (runtime !== undefined) {
    throw new ConfigurationError(
      `startMockServer runs Prism as a child process, and ${runtime} cannot start child processes. ` +
        'Start the mock under Node (in your tests, e.g. vitest or node --test) and point the client at mock.url.',
    );
  }
}
