// Failures before any byte of the request is written are "not delivered" (issue 21), on real sockets:
// a TLS server with a self-signed certificate, a server that hangs up during the handshake, and a
// batch to a host name that cannot resolve (a typo must not turn every line into "unknown"). The
// ones loopback cannot produce (EHOSTUNREACH, connect timeouts) are failure-catalogue rows with an
// injected fetch.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createMany } from '../../src/bulk/create-many.js';
import { ConnectionError, createClient, type CreateManyResult } from '../../src/index.js';
import { secretToken } from './token-exposure.js';

const params = { account_id: 1, conversation_id: 42, content: 'not sent', message_type: 'outgoing' } as const;

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

/** Listens on 127.0.0.1, records every byte each connection sent, and closes all on cleanup. */
async function listen(server: Server): Promise<{ port: number; received: Buffer[] }> {
  const sockets = new Set<Socket>();
  const received: Buffer[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closeServer = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, received };
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

const openssl = '/usr/bin/openssl';

describe('failures before the request is written are not delivered', () => {
  it.skipIf(!existsSync(openssl))('a TLS server with a self-signed certificate: refused in the handshake, no request read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
    try {
      execFileSync(
        openssl,
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem'].concat([
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ]),
        { cwd: dir, stdio: 'ignore' },
      );
      const requests: Buffer[] = [];
      const server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => {
        socket.on('data', (chunk: Buffer) => requests.push(chunk));
        socket.on('error', () => {});
      });
      const { port } = await listen(server);
      const client = createClient({ apiAccessToken: secretToken, baseUrl: `https://127.0.0.1:${port}`, retry: false });

      const error = await failureOf(client.messages.create(params));
      expect(error.mayHaveBeenDelivered).toBe(false);
      expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(error.message).toMatch(/nothing was sent/);
      // No byte of the HTTP request reached the server's decrypted side.
      expect(requests).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a server that hangs up during the TLS handshake: not delivered, and it got only the TLS hello', async () => {
    const server = createNetServer((socket) =>
      socket.once('data', (chunk: Buffer) => {
        received.push(chunk);
        socket.destroy();
      }),
    );
    const { port, received } = await listen(server);
    const client = createClient({ apiAccessToken: secretToken, baseUrl: `https://127.0.0.1:${port}`, retry: false });

    const error = await failureOf(client.messages.create(params));
    expect(error.mayHaveBeenDelivered).toBe(false);
    expect(error.code).toBe('ECONNRESET');
    // 0x16: a TLS handshake record (the ClientHello); nothing of the HTTP request, nor the token.
    expect(received).toHaveLength(1);
    expect(received[0]![0]).toBe(0x16);
    expect(received[0]!.includes(secretToken)).toBe(false);
  });

  it('a batch to a host name that cannot resolve: every item failed as not delivered (a typo is not "unknown")', async () => {
    // RFC 6761: .invalid never resolves; the local resolver answers NXDOMAIN without the network.
    const client = createClient({ apiAccessToken: secretToken, baseUrl: 'https://typo-in-the-host.invalid', retry: false });
    const results: CreateManyResult[] = [];
    for await (const result of createMany(client, [params, { ...params, conversation_id: 43 }])) results.push(result);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.status).toBe('failed');
      const error = result.status === 'failed' ? result.error : undefined;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error?.mayHaveBeenDelivered).toBe(false);
      expect((error as ConnectionError).code).toBe('ENOTFOUND');
    }
  });
});
