// Real HTTP servers on 127.0.0.1 (port 0) that misbehave on purpose. Each records every request it
// received in full and every connection it saw, so tests can assert what reached the server (and
// that a connection was closed) rather than what the client says it did. The one test HTTP server
// of the library's tests (test/bulk/limits-server.ts emulates the server's limits on it).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The complete body (the handler runs only once it has all arrived). */
  body: Buffer;
  /** Date.now() when the body had fully arrived. */
  receivedAt: number;
}

/** Answers (or misbehaves on) the `index`-th request, 0-based, once its body has fully arrived. */
export type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void | Promise<void>;

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far (a request may not have been read from all of them). */
  connectionsOpened(): number;
  /** Connections not yet closed, by either side. */
  openConnections(): number;
  /**
   * Resolves once every connection that carried a request has been closed; rejects naming the
   * count if they stay open past the bound. (Connections that never carried a request are left
   * out: undici may open a spare one after an aborted request and close it when idle.)
   */
  requestConnectionsClosed(boundMs?: number): Promise<void>;
  /** Closes the listener and destroys what is left (a handler that never answers). */
  close(): Promise<void>;
}

export async function startServer(handler: Handler, port = 0): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const carriedRequest = new Set<Socket>();
  let opened = 0;
  let onClosed: (() => void) | undefined;

  const server = createServer((req, res) => {
    carriedRequest.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      });
      void Promise.resolve(handler(req, res, index)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.on('connection', (socket) => {
    opened++;
    sockets.add(socket);
    // A client that hangs up while we write must not become an uncaught 'error' in the test.
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      carriedRequest.delete(socket);
      if (carriedRequest.size === 0) onClosed?.();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    requests,
    connectionsOpened: () => opened,
    openConnections: () => sockets.size,
    requestConnectionsClosed(boundMs = 3_000) {
      if (carriedRequest.size === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const bound = setTimeout(() => {
          onClosed = undefined;
          reject(new Error(`the client left ${carriedRequest.size} connection(s) to port ${boundPort} open for ${boundMs} ms`));
        }, boundMs);
        onClosed = () => {
          clearTimeout(bound);
          onClosed = undefined;
          resolve();
        };
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** A loopback port with nothing listening on it: connecting is refused before anything is sent. */
export async function closedPort(): Promise<number> {
  const server = await startServer(() => {});
  const { port } = server;
  await server.close();
  return port;
}

/** Answers with a status, headers and body. */
export function reply(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}
