// The mock's front door: a small HTTP server on loopback (the URL users get) in front of Prism. It
// records every request, answers with a queued failure when one is queued, and otherwise passes the
// request to Prism, the judge of requests: Prism's refusals (401, 404, 422 problem details) go back
// unchanged, and a request Prism accepts is answered with the message built from it.
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ConfigurationError } from '../errors/classes.js';
import { blobPath, buildCreatedMessage, type UploadedFile } from './created-message.js';
import { checkQueuedAnswer, queuedResponse, type QueuedAnswer } from './queued-answers.js';
import { flatHeaders, isFile, readBody, type RecordedFile, type RecordedRequest, type RequestRecord } from './recorded-requests.js';

/** How valid requests are answered: the message built from them, or whatever Prism says. */
export type Respond = 'message' | 'examples';

export interface FrontServerOptions {
  host: string;
  /** A fixed port; undefined for a free one. */
  port: number | undefined;
  respond: Respond;
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

const MESSAGES_PATH = /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/messages\/?$/;
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

export async function startFrontServer(options: FrontServerOptions): Promise<FrontServer> {
  let upstream: URL | undefined;
  const agent = new Agent({ keepAlive: true });
  const records: RequestRecord[] = [];
  const queue: QueuedAnswer[] = [];
  const pendingWaits = new Set<() => void>();
  let nextMessageId = 1;
  let nextAttachmentId = 1;
  // Messages created per conversation, for in_reply_to; and the uploaded files, served at data_url.
  const created = new Map<string, Map<number, { id: number; source_id: string | null }>>();
  const blobs = new Map<string, RecordedFile>();
  let origin = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, undefined, 500, { 'content-type': 'text/plain; charset=utf-8' }, `The mock failed: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path,
      headers: flatHeaders(req.headers),
      body: undefined,
      parts: undefined,
      answeredBy: 'prism',
      status: undefined,
    };
    records.push(record);
    const blob = req.method === 'GET' ? blobs.get(path.split('?')[0] ?? path) : undefined;
    // Queued answers are for API requests, in arrival order, before Prism sees them (as a proxy or
    // the server's rate limiter answers in front of the application); not for a browser's CORS
    // preflight, nor for downloads of the files the mock stores.
    const queued = blob === undefined && req.method !== 'OPTIONS' ? queue.shift() : undefined;
    if (queued !== undefined && (queued.status !== undefined || queued.drop === true)) record.answeredBy = 'queue';

    let bytes: Buffer;
    try {
      bytes = await readAll(req);
    } catch {
      return; // The client went away while sending.
    }
    await readBody(record, bytes, req.headers['content-type']);

    if (blob !== undefined) {
      send(res, record, 200, { 'content-type': blob.type || 'application/octet-stream' }, blob.bytes);
      return;
    }
    if (queued?.delayMs !== undefined && queued.delayMs > 0 && !(await wait(queued.delayMs, res))) return;
    if (queued?.drop === true) {
      req.socket.destroy();
      return;
    }
    if (queued?.status !== undefined) {
      const { headers, body } = queuedResponse({ ...queued, status: queued.status });
      send(res, record, queued.status, headers, body);
      return;
    }
    await forward(req, res, record, bytes);
  }

  async function forward(req: IncomingMessage, res: ServerResponse, record: RequestRecord, bytes: Buffer): Promise<void> {
    if (upstream === undefined) {
      send(res, record, 503, { 'content-type': 'text/plain; charset=utf-8' }, 'The mock is still starting Prism.');
      return;
    }
    let answer: { status: number; headers: Record<string, string>; body: Buffer };
    try {
      answer = await askPrism(upstream, req, bytes);
    } catch (error) {
      send(
        res,
        record,
        502,
        { 'content-type': 'text/plain; charset=utf-8' },
        `The mock's Prism process did not answer: ${(error as Error).message}`,
      );
      return;
    }
    const match = MESSAGES_PATH.exec(record.path.split('?')[0] ?? '');
    const accepted = answer.status >= 200 && answer.status < 300;
    if (options.respond === 'message' && req.method === 'POST' && match !== null && accepted && !asksForExample(req)) {
      const message = createMessage(Number(match[1]), Number(match[2]), record);
      // As Rails answers: JSON in UTF-8, and a request id (ActionDispatch::RequestId).
      const headers = { ...answer.headers, 'content-type': 'application/json; charset=utf-8', 'x-request-id': randomUUID() };
      send(res, record, 200, headers, JSON.stringify(message));
      return;
    }
    send(res, record, answer.status, answer.headers, answer.body);
  }

  function createMessage(accountId: number, conversationId: number, record: RequestRecord) {
    const key = `${accountId}/${conversationId}`;
    const conversation = created.get(key) ?? new Map<number, { id: number; source_id: string | null }>();
    created.set(key, conversation);
    const fields =
      record.body !== null && typeof record.body === 'object' && !Array.isArray(record.body)
        ? (record.body as Record<string, unknown>)
        : {};
    const files = (record.parts ?? []).filter(isFile).filter((part) => part.name === 'attachments[]');
    const uploads: UploadedFile[] = files.map((file) => ({ filename: file.filename, type: file.type, size: file.size }));
    const message = buildCreatedMessage(
      { account_id: accountId, conversation_id: conversationId, fields, files: uploads },
      {
        id: nextMessageId++,
        nextAttachmentId: () => nextAttachmentId++,
        now: new Date(),
        origin,
        findInConversation: (by) =>
          'id' in by ? conversation.get(by.id) : [...conversation.values()].find((message) => message.source_id === by.source_id),
      },
    );
    conversation.set(message.id, { id: message.id, source_id: message.source_id });
    message.attachments?.forEach((attachment, index) => {
      const file = files[index];
      if (file === undefined) return;
      blobs.set(blobPath(attachment.id, file.filename), file);
      blobs.set(blobPath(attachment.id, file.filename, 'representations'), file);
    });
    return message;
  }

  function askPrism(
    target: URL,
    req: IncomingMessage,
    bytes: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
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

  function wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (stillThere: boolean): void => {
        clearTimeout(timer);
        res.off('close', gone);
        pendingWaits.delete(cancel);
        resolve(stillThere);
      };
      const gone = (): void => finish(false);
      const cancel = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.once('close', gone);
      pendingWaits.add(cancel);
    });
  }

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
  origin = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    setUpstream(url: string) {
      upstream = new URL(url);
    },
    get requests() {
      return records.map((record) => ({ ...record }));
    },
    get queued() {
      return queue.length;
    },
    enqueue(answers: readonly unknown[]) {
      // Check them all first: a bad one queues none.
      const checked = answers.map((answer, index) => checkQueuedAnswer(answer, index));
      queue.push(...checked);
    },
    reset() {
      records.length = 0;
      queue.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const cancel of [...pendingWaits]) cancel();
        server.close(() => resolve());
        // Keep-alive sockets and requests held by a queued delay would keep close() waiting.
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}

/** A request that names a response example (`Prefer: example=…`) or asks Prism to generate one gets Prism's answer. */
function asksForExample(req: IncomingMessage): boolean {
  const prefer = req.headers['prefer'];
  return typeof prefer === 'string' && /\b(example|dynamic)=/.test(prefer);
}

function send(
  res: ServerResponse,
  record: RequestRecord | undefined,
  status: number,
  headers: Record<string, string>,
  body: string | Uint8Array,
): void {
  if (record !== undefined) record.status = status;
  if (status === 204 || status === 304 || res.req.method === 'HEAD') {
    // Answers that carry no body (Prism's 204 to a CORS preflight, for one).
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(bytes.byteLength) });
  res.end(bytes);
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
