// The mock's front door: a small HTTP server on loopback (the URL users get) in front of Prism. It
// records every request, answers with a queued failure when one is queued, and otherwise passes the
// request to Prism, the judge of requests: Prism's refusals (401, 404) go back unchanged, its 422
// gets the reason that is actually wrong, a message Prism accepts is answered with the message built
// from it (and kept), and the conversation GETs are answered from the messages kept.
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ConfigurationError } from '../errors/classes.js';
import { ConversationStore } from './conversations.js';
import { blobPath, buildCreatedMessage, type CreatedMessage, type UploadedFile } from './created-message.js';
import { checkQueuedAnswer, type QueuedAnswer, queuedResponse } from './queued-answers.js';
import { flatHeaders, isFile, type RecordedFile, type RecordedRequest, type RequestRecord, readBody } from './recorded-requests.js';
import { parseViolations, violationBody } from './violations.js';

/** How valid requests are answered: the message built from them, or whatever Prism says. */
export type Respond = 'message' | 'examples';

export interface FrontServerOptions {
  host: string;
  /** A fixed port; undefined for a free one. */
  port: number | undefined;
  respond: Respond;
  /** The inbox's channel type, sent as the conversation's `meta.channel`. */
  channel: string;
  /** Tokens that belong to agent bots: they may create messages but not read conversations (401). */
  botTokens: ReadonlySet<string>;
}

export interface FrontServer {
  readonly url: string;
  /** Where Prism listens; until it is set, requests get 503. */
  setUpstream(url: string): void;
  readonly requests: readonly RecordedRequest[];
  readonly queued: number;
  enqueue(answers: readonly unknown[]): void;
  reset(): void;
  close(): Promise<void>;
}

/** An answer before it is sent. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The operations the mock answers itself; anything else is Prism's alone. */
interface Route {
  operation: 'createMessage' | 'listMessages' | 'getConversation';
  accountId: number;
  conversationId: number;
}

const MESSAGES_PATH = /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/messages\/?$/;
const CONVERSATION_PATH = /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/?$/;
// Headers that belong to one connection (the body is read whole before it is passed on, so no
// `expect: 100-continue` either), and the length, which is recomputed for the new body.
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'content-length',
  'host',
]);
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
// As Rails answers: JSON in UTF-8.
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

export async function startFrontServer(options: FrontServerOptions): Promise<FrontServer> {
  const door = new FrontDoor(options);
  const server = createServer((req, res) => {
    door.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, undefined, { status: 500, headers: TEXT, body: `The mock failed: ${String(error)}` });
      else res.destroy();
    });
  });
  door.origin = await listen(server, options);
  let closing: Promise<void> | undefined;
  return {
    url: door.origin,
    setUpstream: (url: string) => {
      door.upstream = new URL(url);
    },
    get requests() {
      return door.records.map((record) => ({ ...record }));
    },
    get queued() {
      return door.queue.length;
    },
    enqueue(answers: readonly unknown[]) {
      // Check them all first: a bad one queues none.
      const checked = answers.map((answer, index) => checkQueuedAnswer(answer, index));
      door.queue.push(...checked);
    },
    reset() {
      door.records.length = 0;
      door.queue.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        door.cancelWaits();
        server.close(() => resolve());
        // Keep-alive sockets and requests held by a queued delay would keep close() waiting.
        server.closeAllConnections();
        door.agent.destroy();
      });
      return closing;
    },
  };
}

/** The state behind the front server and the steps of answering one request. */
class FrontDoor {
  upstream: URL | undefined;
  origin = '';
  readonly agent = new Agent({ keepAlive: true });
  readonly records: RequestRecord[] = [];
  readonly queue: QueuedAnswer[] = [];
  readonly #options: FrontServerOptions;
  readonly #pendingWaits = new Set<() => void>();
  readonly #conversations: ConversationStore;
  // The uploaded files, served at their data_url.
  readonly #blobs = new Map<string, RecordedFile>();
  #nextMessageId = 1;
  #nextAttachmentId = 1;

  constructor(options: FrontServerOptions) {
    this.#options = options;
    this.#conversations = new ConversationStore(options.channel);
  }

  /** Record → read the body → a queued answer in front of everything → process → deliver. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = recordOf(req);
    this.records.push(record);
    const blob = req.method === 'GET' ? this.#blobs.get(pathOf(record)) : undefined;
    // Queued answers are for API requests, in arrival order, before Prism sees them (as a proxy or
    // the server's rate limiter answers in front of the application); not for a browser's CORS
    // preflight, nor for downloads of the files the mock stores.
    const queued = blob === undefined && req.method !== 'OPTIONS' ? this.queue.shift() : undefined;
    if (queued !== undefined && (queued.status !== undefined || queued.drop === true)) record.answeredBy = 'queue';

    let bytes: Buffer;
    try {
      bytes = await readAll(req);
    } catch {
      return; // The client went away while sending.
    }
    await readBody(record, bytes, req.headers['content-type']);
    if (blob !== undefined) {
      send(res, record, { status: 200, headers: { 'content-type': blob.type || 'application/octet-stream' }, body: blob.bytes });
      return;
    }
    if (queued !== undefined && !(await this.#answerInFront(queued, req, res, record))) return;
    const answer = await this.#process(req, record, bytes);
    await this.#deliver(answer, queued, req, res, record);
  }

  /** A queued delay, drop or status, before the request is processed; false when that was the answer. */
  async #answerInFront(queued: QueuedAnswer, req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<boolean> {
    if (queued.delayMs !== undefined && queued.delayMs > 0 && !(await this.#wait(queued.delayMs, res))) return false;
    if (queued.drop === true) {
      req.socket.destroy();
      return false;
    }
    if (queued.status !== undefined) {
      send(res, record, { status: queued.status, ...queuedResponse({ ...queued, status: queued.status }) });
      return false;
    }
    return true;
  }

  /** The answer once processed: sent, sent late, or lost (`afterProcessing`). */
  async #deliver(answer: Answer, queued: QueuedAnswer | undefined, req: IncomingMessage, res: ServerResponse, record: RequestRecord) {
    const after = queued?.afterProcessing;
    if (after === 'drop') {
      req.socket.destroy();
      return;
    }
    if (after !== undefined && after.delayMs > 0 && !(await this.#wait(after.delayMs, res))) return;
    send(res, record, answer);
  }

  /**
   * Prism judges the request; then a valid message is created and kept, and the conversation GETs
   * are answered from what was kept. The GETs are answered here also while the spec has no such
   * operation (Prism's "no path / no method matched"): once it has them, Prism judges them first.
   */
  async #process(req: IncomingMessage, record: RequestRecord, bytes: Buffer): Promise<Answer> {
    const route = routeOf(req.method, pathOf(record));
    if (route !== undefined && route.operation !== 'createMessage') {
      // AccessTokenAuthHelper: no token → 401 (Prism says so for the operations the spec has);
      // validate_bot_access_token!: bots may create messages, not read them.
      const token = record.headers['api_access_token'];
      if (token === undefined || token === '') return jsonAnswer(401, { error: 'Invalid Access Token' });
      if (this.#options.botTokens.has(token)) return jsonAnswer(401, { error: 'Access to this endpoint is not authorized for bots' });
    }
    if (this.upstream === undefined) return { status: 503, headers: TEXT, body: 'The mock is still starting Prism.' };
    let prism: Answer;
    try {
      prism = await askPrism(this.upstream, req, bytes, this.agent);
    } catch (error) {
      return { status: 502, headers: TEXT, body: `The mock's Prism process did not answer: ${(error as Error).message}` };
    }
    if (route === undefined) return withReason(prism);
    const accepted = prism.status >= 200 && prism.status < 300;
    const ours = accepted && this.#options.respond === 'message' && !asksForExample(req);
    if (route.operation === 'createMessage') {
      return ours ? jsonAnswer(200, this.#createMessage(route.accountId, route.conversationId, record), prism.headers) : withReason(prism);
    }
    if (!ours && !specLacksOperation(prism)) return withReason(prism);
    // Prism's CORS headers stay, so that a browser may read the answer.
    return jsonAnswer(200, this.#read(route, new URLSearchParams(record.path.split('?')[1] ?? '')), prism.headers);
  }

  #read(route: Route, query: URLSearchParams): unknown {
    const { accountId, conversationId } = route;
    if (route.operation === 'getConversation') return this.#conversations.show(accountId, conversationId);
    return this.#conversations.list(accountId, conversationId, {
      after: query.get('after'),
      before: query.get('before'),
      filter_internal_messages: query.get('filter_internal_messages'),
    });
  }

  #createMessage(accountId: number, conversationId: number, record: RequestRecord): CreatedMessage {
    const fields =
      record.body !== null && typeof record.body === 'object' && !Array.isArray(record.body)
        ? (record.body as Record<string, unknown>)
        : {};
    const files = (record.parts ?? []).filter(isFile).filter((part) => part.name === 'attachments[]');
    const uploads: UploadedFile[] = files.map((file) => ({ filename: file.filename, type: file.type, size: file.size }));
    const message = buildCreatedMessage(
      { account_id: accountId, conversation_id: conversationId, fields, files: uploads },
      {
        id: this.#nextMessageId++,
        nextAttachmentId: () => this.#nextAttachmentId++,
        now: new Date(),
        origin: this.origin,
        findInConversation: (by) => this.#conversations.find(accountId, conversationId, by),
      },
    );
    this.#conversations.add(accountId, conversationId, message);
    message.attachments?.forEach((attachment, index) => {
      const file = files[index];
      if (file === undefined) return;
      this.#blobs.set(blobPath(attachment.id, file.filename), file);
      this.#blobs.set(blobPath(attachment.id, file.filename, 'representations'), file);
    });
    return message;
  }

  /** Resolves true after `ms`, false when the client went away or the mock is closing. */
  #wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (stillThere: boolean): void => {
        clearTimeout(timer);
        res.off('close', gone);
        this.#pendingWaits.delete(cancel);
        resolve(stillThere);
      };
      const gone = (): void => finish(false);
      const cancel = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.once('close', gone);
      this.#pendingWaits.add(cancel);
    });
  }

  cancelWaits(): void {
    for (const cancel of [...this.#pendingWaits]) cancel();
  }
}

function recordOf(req: IncomingMessage): RequestRecord {
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: flatHeaders(req.headers),
    body: undefined,
    parts: undefined,
    answeredBy: 'prism',
    status: undefined,
  };
}

function pathOf(record: RequestRecord): string {
  return record.path.split('?')[0] ?? record.path;
}

function routeOf(method: string | undefined, path: string): Route | undefined {
  const messages = MESSAGES_PATH.exec(path);
  if (messages !== null && (method === 'POST' || method === 'GET')) {
    const operation = method === 'POST' ? 'createMessage' : 'listMessages';
    return { operation, accountId: Number(messages[1]), conversationId: Number(messages[2]) };
  }
  const conversation = CONVERSATION_PATH.exec(path);
  if (conversation !== null && method === 'GET') {
    return { operation: 'getConversation', accountId: Number(conversation[1]), conversationId: Number(conversation[2]) };
  }
  return undefined;
}

/** Prism's answer for an operation the spec does not have (yet). */
function specLacksOperation(answer: Answer): boolean {
  if (answer.status !== 404 && answer.status !== 405) return false;
  const body = typeof answer.body === 'string' ? answer.body : new TextDecoder().decode(answer.body);
  return /NO_PATH_MATCHED_ERROR|NO_METHOD_MATCHED_ERROR/.test(body);
}

/**
 * Prism answers a request that breaks the spec with the spec's own 422 example, whatever it says;
 * the reason is in its `sl-violations` header. The body then says that reason, as the server would.
 */
function withReason(answer: Answer): Answer {
  if (answer.status !== 422) return answer;
  const body = violationBody(parseViolations(answer.headers['sl-violations']));
  return body === undefined ? answer : jsonAnswer(422, body, answer.headers);
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { ...headers, ...JSON_TYPE }, body: JSON.stringify(body) };
}

/** A request that names a response example (`Prefer: example=…`) or asks Prism to generate one gets Prism's answer. */
function asksForExample(req: IncomingMessage): boolean {
  const prefer = req.headers['prefer'];
  return typeof prefer === 'string' && /\b(example|dynamic)=/.test(prefer);
}

function askPrism(target: URL, req: IncomingMessage, bytes: Buffer, agent: Agent): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(flatHeaders(req.headers))) if (!NOT_FORWARDED.has(name)) headers[name] = value;
  headers['host'] = target.host;
  headers['content-length'] = String(bytes.byteLength);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (incoming) => {
        readAll(incoming).then((body) => {
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(flatHeaders(incoming.headers)))
            if (!NOT_FORWARDED.has(name)) answerHeaders[name] = value;
          resolve({ status: incoming.statusCode ?? 502, headers: answerHeaders, body });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}

/** Listens as asked and resolves to the origin a client reaches it at. */
async function listen(server: Server, options: FrontServerOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${options.host}:${String(options.port ?? 0)}`;
      reject(
        new ConfigurationError(
          error.code === 'EADDRINUSE'
            ? `The mock cannot listen on ${where}: EADDRINUSE: address already in use ${where}. Pick another port, or leave port out for a free one.`
            : `The mock cannot listen on ${where}: ${error.message}`,
        ),
      );
    });
    server.listen({ host: options.host, port: options.port ?? 0, exclusive: true }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const reachable = options.host === '0.0.0.0' ? '127.0.0.1' : options.host === '::' ? '::1' : options.host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Sends an answer, with a request id as Rails sends one on every answer (ActionDispatch::RequestId: a UUID). */
function send(res: ServerResponse, record: RequestRecord | undefined, answer: Answer): void {
  if (record !== undefined) record.status = answer.status;
  const headers = { ...answer.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'x-request-id')) headers['x-request-id'] = randomUUID();
  if (answer.status === 204 || answer.status === 304 || res.req.method === 'HEAD') {
    // Answers that carry no body (Prism's 204 to a CORS preflight, for one).
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  const bytes = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  res.writeHead(answer.status, { ...headers, 'content-length': String(bytes.byteLength) });
  res.end(bytes);
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
