import { closeSync, mkdtempSync, openAsBlob, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, InvalidInputError } from '../../src/index.js';
import { maxFileBytes } from '../../src/messages/multipart.js';
import { reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const token = 'tokFilesSECRET0001abcdefgh';
const message = JSON.stringify({ id: 7, content: 'file', message_type: 1, created_at: 1764096000 });
const params = { account_id: 1, conversation_id: 42, content: 'Here is the file' };
const dir = mkdtempSync(join(tmpdir(), '99digital-files-'));
// A garbage collection before each measure, so that only memory still in use is counted (not
// chunks already sent and waiting to be collected).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `size` bytes of a repeating pattern, written in 1 MiB pieces. */
function writeFile(name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const piece = Buffer.alloc(1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');
  for (let written = 0; written < size; written += piece.length) writeSync(fd, piece, 0, Math.min(piece.length, size - written));
  closeSync(fd);
  return path;
}

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

describe('fs.openAsBlob(path) as an attachment', () => {
  // Just under the server's 40 MB: big enough that holding it in memory cannot go unseen.
  const size = maxFileBytes - 1024 * 1024;
  let path: string;
  let sink: Server;
  let sinkUrl: string;
  const received = { bytes: 0, liveBuffersMidUpload: -1 };
  let buffersBefore = 0;
  beforeAll(async () => {
    path = writeFile('large.bin', size);
    // Counts what arrives and keeps none of it. A few MB in, it stops reading for a
    // moment and takes the measure: the ArrayBuffer memory alive in this process mid-upload (RSS
    // would also count memory freed but not yet returned to the system), after a collection.
    sink = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (received.liveBuffersMidUpload < 0 && bytes > 4 * 1024 * 1024) {
          received.liveBuffersMidUpload = 0;
          req.pause();
          setTimeout(() => {
            collectGarbage();
            received.liveBuffersMidUpload = process.memoryUsage().arrayBuffers - buffersBefore;
            req.resume();
          }, 300);
        }
      });
      req.on('end', () => {
        received.bytes = bytes;
        res.writeHead(200, { 'content-type': 'application/json' }).end(message);
      });
    });
    await new Promise<void>((done) => sink.listen(0, '127.0.0.1', done));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => sink.close(() => done())));

  it('sends a 39 MB file whole, streamed from disk: mid-upload only a few MB of it are in memory', async () => {
    const client = createClient({ apiAccessToken: token, baseUrl: sinkUrl, retry: false });
    collectGarbage();
    buffersBefore = process.memoryUsage().arrayBuffers;
    const file = await openAsBlob(path, { type: 'application/octet-stream' });
    await client.messages.create({ ...params, attachments: [{ data: file, filename: 'large.bin' }] });
    // The multipart body: the file plus the form's own few hundred bytes.
    expect(received.bytes).toBeGreaterThan(size);
    expect(received.bytes).toBeLessThan(size + 2048);
    // Read into memory first (readFile, or a Blob built from its bytes), the whole file would be
    // alive here until the upload ends: at least its 39 MB (measured: ~120 MB, with the copies
    // FormData and fetch make). Streamed, what is alive is read-ahead: ~10 MB, ~20 MB on a busy machine.
    console.log(`live ArrayBuffer memory mid-upload: ${(received.liveBuffersMidUpload / 1024 / 1024).toFixed(1)} MB`);
    expect(received.liveBuffersMidUpload).toBeGreaterThanOrEqual(0);
    expect(received.liveBuffersMidUpload).toBeLessThan(size);
  });
});

describe('a ReadableStream as an attachment', () => {
  it('is read before the upload and sent as one part, and sent again as is on a retry', async () => {
    server = await startServer((_req, res, index) =>
      index === 0
        ? reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '0' })
        : reply(res, 200, message, { 'content-type': 'application/json' }),
    );
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } });
    await client.messages.create({
      ...params,
      attachments: [{ data: streamOf('line 1\n', 'line 2\n'), filename: 'log.txt', contentType: 'text/plain', size: 14 }],
    });
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      const form = await new Response(new Uint8Array(request.body), {
        headers: { 'content-type': String(request.headers['content-type']) },
      }).formData();
      const part = form.get('attachments[]') as File;
      expect(part.name).toBe('log.txt');
      expect(part.type).toBe('text/plain');
      expect(await part.text()).toBe('line 1\nline 2\n');
    }
  });

  it('a stream whose size says over 40 MB is refused before it is read or anything is sent', async () => {
    server = await startServer((_req, res) => reply(res, 200, message));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    const error = await client.messages
      .create({ ...params, attachments: [{ data: stream, filename: 'big.mp4', size: maxFileBytes + 1 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('attachments[0].size');
    expect((error as Error).message).toMatch(/"big\.mp4" is 41943041 bytes; the server takes at most 40 MB \(41943040\) a file\./);
    expect(pulled).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('a stream without a size stops being read once past 40 MB, and nothing is sent', async () => {
    server = await startServer((_req, res) => reply(res, 200, message));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const chunk = new Uint8Array(1024 * 1024);
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => void (pulls++, c.enqueue(chunk)),
      cancel: () => void (cancelled = true),
    });
    const error = await client.messages
      .create({ ...params, attachments: [{ data: endless, filename: 'endless.bin' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('attachments[0].data');
    expect((error as Error).message).toMatch(/"endless\.bin" is \d+ bytes; the server takes at most 40 MB/);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(45);
    expect(server.requests).toHaveLength(0);
  });

  it('a stream that fails is an InvalidInputError before anything is sent', async () => {
    server = await startServer((_req, res) => reply(res, 200, message));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const broken = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error('disk gone')) });
    const error = await client.messages.create({ ...params, attachments: [{ data: broken, filename: 'x.bin' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/reading the stream of "x\.bin" failed: Error: disk gone/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('the size of each file, checked before the upload starts', () => {
  it('a file over 40 MB (from disk, not read) is refused naming it, and the files before it are not sent', async () => {
    server = await startServer((_req, res) => reply(res, 200, message));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    // Sparse: the size is there without writing 40 MB.
    const path = join(dir, 'huge.mov');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.from('x'), 0, 1, maxFileBytes);
    closeSync(fd);
    const error = await client.messages
      .create({
        ...params,
        attachments: [new Blob(['small']), { data: await openAsBlob(path), filename: 'huge.mov', contentType: 'video/quicktime' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('attachments[1].data');
    expect((error as Error).message).toContain('"huge.mov" is 41943041 bytes; the server takes at most 40 MB');
    expect(server.requests).toHaveLength(0);
  });

  it('exactly 40 MB is allowed (the server refuses only above it)', async () => {
    server = await startServer((_req, res) => reply(res, 200, message));
    const client = createClient({ apiAccessToken: token, baseUrl: server.url, retry: false });
    const blob = new Blob([new Uint8Array(maxFileBytes)]);
    await expect(client.messages.create({ ...params, attachments: [blob] })).resolves.toMatchObject({ id: 7 });
  });
});
