// A node:http server on 127.0.0.1 that records every request and answers as the test says.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageType } from '../../src/index.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Reply = (request: RecordedRequest, response: ServerResponse) => void;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A message as the server returns it, built from the JSON request so the CLI's summary can be checked. */
export function messageFor(request: RecordedRequest): Record<string, unknown> {
  const isJson = String(request.headers['content-type']).startsWith('application/json');
  const sent = isJson ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
  const conversation = Number(/conversations\/(\d+)\//.exec(request.url)?.[1]);
  return {
    id: 5150,
    content: typeof sent.content === 'string' ? sent.content : 'multipart message',
    inbox_id: 3,
    conversation_id: conversation,
    // The server's numbering: the type sent, by name (outgoing when none was sent).
    message_type: MessageType[(sent.message_type as keyof typeof MessageType | undefined) ?? 'outgoing'],
    content_type: typeof sent.content_type === 'string' ? sent.content_type : 'text',
    status: 'sent',
    content_attributes: (sent.content_attributes as object | undefined) ?? {},
    created_at: 1764096000,
    private: sent.private === true,
    source_id: null,
    ...(typeof sent.echo_id === 'string' ? { echo_id: sent.echo_id } : {}),
  };
}

export const replyWithMessage: Reply = (request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req-123' });
  response.end(JSON.stringify(messageFor(request)));
};

export function replyWithStatus(status: number, body: unknown): Reply {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };
}

/** Never answers: for timeouts. */
export const neverReply: Reply = () => {};

export async function startRecordingServer(reply: Reply = replyWithMessage): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(recorded);
      reply(recorded, res);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  return port;
}

/** The parts of a multipart/form-data body, parsed by the platform's own parser. */
export function formDataOf(request: RecordedRequest): Promise<FormData> {
  return new Response(new Uint8Array(request.body), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
}
