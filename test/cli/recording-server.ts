// The CLI tests' server: the one loopback test server, recording every request, answering as the
// test says (by default with the message a server would build from the request).
import type { ServerResponse } from 'node:http';
import { MessageType } from '../../src/index.js';
import { closedPort, type LoopbackServer, type ReceivedRequest, startServer } from '../reliability/loopback-server.js';

export type RecordedRequest = ReceivedRequest;

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

/** The one test HTTP server (test/reliability/loopback-server.ts), answering each request with `reply`. */
export async function startRecordingServer(reply: Reply = replyWithMessage): Promise<RecordingServer> {
  const server: LoopbackServer = await startServer((_req, res, index) => reply(server.requests[index]!, res));
  return { url: server.url, requests: server.requests, close: () => server.close() };
}

export { closedPort };

/** The parts of a multipart/form-data body, parsed by the platform's own parser. */
export function formDataOf(request: RecordedRequest): Promise<FormData> {
  return new Response(new Uint8Array(request.body), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
}
