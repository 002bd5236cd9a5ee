// createMany under a hostile caller (issue 21), on real loopback servers: stream attachments met by
// a rate limit, a real Bottleneck with its retry recipe and expiration, limiters that throw, reject
// or never run the job, aborts at every step, inputs that hang or hold junk, and a Retry-After past
// any timer. Each test asserts what the server received and what the caller got.
import Bottleneck from 'bottleneck';
import { afterEach, describe, expect, it } from 'vitest';
import { createMany } from '../../src/bulk/create-many.js';
import {
  AbortedError,
  ApiError,
  createClient,
  InvalidInputError,
  RateLimitError,
  type CreateManyItem,
  type CreateManyOptions,
  type CreateManyResult,
} from '../../src/index.js';
import { reply, startServer, type Handler, type LoopbackServer } from '../reliability/loopback-server.js';
import { secretToken } from '../reliability/token-exposure.js';
import { messageJson } from '../support/sample-message.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<LoopbackServer> {
  server = await startServer(handler);
  return server;
}

function clientFor(s: LoopbackServer) {
  return createClient({ apiAccessToken: secretToken, baseUrl: s.url, retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 } });
}

const ok: Handler = (_req, res) => reply(res, 200, messageJson());

function item(n: number, extra: Partial<CreateManyItem> = {}): CreateManyItem {
  return { account_id: 1, conversation_id: 40 + n, content: `m${n}`, key: `k${n}`, ...extra } as CreateManyItem;
}

async function collect(results: AsyncIterable<CreateManyResult>): Promise<CreateManyResult[]> {
  const all: CreateManyResult[] = [];
  for await (const result of results) all.push(result);
  return all.sort((a, b) => a.index - b.index);
}

function run(s: LoopbackServer, items: Iterable<unknown> | AsyncIterable<unknown>, options?: CreateManyOptions) {
  return collect(createMany(clientFor(s), items as Iterable<CreateManyItem>, options));
}

function errorOf(result: CreateManyResult | undefined): unknown {
  return result?.status === 'failed' ? result.error : undefined;
}

const fileBytes = Buffer.from('%PDF-1.7 the file bytes %%EOF');

function streamOf(...chunks: unknown[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk as Uint8Array);
      controller.close();
    },
  });
}

describe('createMany: stream attachments', () => {
  for (const [name, refuse] of [
    [
      '429 (Retry-After: 0)',
      (res: Parameters<Handler>[1]) => reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '0' }),
    ],
    [
      'the flood limit 422 (Retry-After: 0)',
      (res: Parameters<Handler>[1]) =>
        reply(res, 422, JSON.stringify({ error: 'Validation failed: Too many messages' }), { 'retry-after': '0' }),
    ],
  ] as const) {
    it(`sends the same file bytes on the retry after ${name}`, async () => {
      const s = await serve((_req, res, index) => (index === 0 ? refuse(res) : ok(_req, res, index)));
      const attachment = {
        data: streamOf(fileBytes.subarray(0, 10), fileBytes.subarray(10)),
        filename: 'a.pdf',
        contentType: 'application/pdf',
      };
      const [result] = await run(s, [item(1, { attachments: [attachment] } as Partial<CreateManyItem>)]);

      expect(result).toMatchObject({ status: 'sent' });
      expect(s.requests).toHaveLength(2);
      // Both attempts carried the whole file, byte for byte.
      for (const request of s.requests) expect(request.body.includes(fileBytes)).toBe(true);
      expect(s.requests[1]!.body.length).toBe(s.requests[0]!.body.length);
    });
  }

  it('refuses string and object chunks with InvalidInputError, sends nothing for them, and goes on', async () => {
    const s = await serve(ok);
    const results = await run(s, [
      item(1, { attachments: [{ data: streamOf('x'.repeat(1000)), filename: 'big.bin' }] } as Partial<CreateManyItem>),
      item(2, { attachments: [{ data: streamOf({ some: 'object' }), filename: 'obj.bin' }] } as Partial<CreateManyItem>),
      item(3),
    ]);
    expect(errorOf(results[0])).toBeInstanceOf(InvalidInputError);
    expect(String((errorOf(results[0]) as Error).message)).toMatch(/chunk of type string, not bytes/);
    expect(errorOf(results[1])).toBeInstanceOf(InvalidInputError);
    expect(String((errorOf(results[1]) as Error).message)).toMatch(/chunk of type object, not bytes/);
    expect(results[2]).toMatchObject({ status: 'sent' });
    expect(s.requests.map((r) => JSON.parse(r.body.toString()).content)).toEqual(['m3']);
    expect(s.requests.some((r) => r.body.includes('[object Object]'))).toBe(false);
  });
});

describe('createMany: limiters', () => {
  it("a real Bottleneck with the documented retry recipe ('failed' → retry) posts once after a 500", async () => {
    const s = await serve((_req, res) => reply(res, 500, JSON.stringify({ error: 'boom' })));
    const limiter = new Bottleneck({ maxConcurrent: 2 });
    const failedEvents: unknown[] = [];
    limiter.on('failed', (error, info) => {
      failedEvents.push(error);
      if (info.retryCount < 3) return 5;
      return undefined;
    });
    const results = await run(s, [item(1), item(2)], { limiter });

    expect(s.requests).toHaveLength(2);
    expect(s.requests.map((r) => JSON.parse(r.body.toString()).content).sort()).toEqual(['m1', 'm2']);
    for (const result of results) expect(errorOf(result)).toBeInstanceOf(ApiError);
    expect((errorOf(results[0]) as ApiError).status).toBe(500);
    // The job handed to the limiter does not send, and never fails: the recipe has nothing to re-run.
    expect(failedEvents).toEqual([]);
    await limiter.stop({ dropWaitingJobs: true });
  });

  it('a Bottleneck expiration while the request is in flight neither posts twice nor surfaces a BottleneckError', async () => {
    // First answer: a 429 after the job's expiration, so create would retry; then 200s.
    let release: (() => void) | undefined;
    const s = await serve((_req, res, index) => {
      // Once: on a loaded machine the second item's job may expire too (its 200 still counts).
      if (index === 0) {
        release = () => {
          release = undefined;
          reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '0' });
        };
      } else ok(_req, res, index);
    });
    const limiter = new Bottleneck({ maxConcurrent: 1 });
    const failedEvents: unknown[] = [];
    limiter.on('failed', (error) => {
      failedEvents.push(error);
      return undefined;
    });
    const results = await run(s, [item(1), item(2)], {
      concurrency: 1,
      limiter: {
        schedule(fn) {
          const job = limiter.schedule({ expiration: 30 }, fn);
          // Answer the in-flight request only once the limiter has given up on its job.
          job.catch(() => release?.());
          return job;
        },
      },
    });

    const first = errorOf(results[0]);
    expect(first).toBeInstanceOf(AbortedError);
    expect((first as AbortedError).mayHaveBeenDelivered).toBe(false);
    expect((first as Error).message).toMatch(/message 0 \(key "k1"\) was not sent: the batch's limiter failed \(.*timed out/);
    expect(results[1]).toMatchObject({ status: 'sent' });
    expect(String(failedEvents[0])).toMatch(/timed out/);
    // m1 went out once (its 429 was not retried after the limiter dropped the job), m2 once.
    expect(s.requests.map((r) => JSON.parse(r.body.toString()).content)).toEqual(['m1', 'm2']);
    await limiter.stop({ dropWaitingJobs: true });
  });

  for (const [name, limiter] of [
    [
      'throws',
      {
        schedule() {
          throw new Error('limiter is down');
        },
      },
    ],
    ['rejects', { schedule: () => Promise.reject(new Error('redis is gone')) }],
    ['resolves undefined without running the job', { schedule: () => Promise.resolve(undefined) }],
  ] as const) {
    it(`a limiter that ${name}: every item failed with a typed error, nothing posted, the batch goes on`, async () => {
      const s = await serve(ok);
      const results = await run(s, [item(1), item(2), item(3)], { limiter: limiter as never });
      expect(results).toHaveLength(3);
      for (const result of results) {
        expect(result.status).toBe('failed');
        expect(errorOf(result)).toBeInstanceOf(AbortedError);
        expect((errorOf(result) as AbortedError).mayHaveBeenDelivered).toBe(false);
        expect((errorOf(result) as Error).message).toMatch(/the batch's limiter/);
      }
      expect(s.requests).toEqual([]);
    });
  }
  it("a limiter that runs the job but resolves undefined at once: the item is sent with the server's message", async () => {
    const s = await serve(ok);
    const limiter = {
      schedule(fn: () => Promise<unknown>) {
        void fn();
        return Promise.resolve(undefined);
      },
    };
    const results = await run(s, [item(1)], { limiter: limiter as never });
    expect(results).toMatchObject([{ status: 'sent', message: { id: 1022 } }]);
    expect(s.requests).toHaveLength(1);
  });

  it('an abort while items wait for the limiter ends the batch at once; the waiting items are not sent', async () => {
    const s = await serve(ok);
    // One job every 60 s: the second item is still waiting for the limiter when the abort lands.
    const limiter = new Bottleneck({ maxConcurrent: 1, minTime: 60_000 });
    const controller = new AbortController();
    const seen: CreateManyResult[] = [];
    for await (const result of createMany(clientFor(s), [item(1), item(2), item(3)], { limiter, signal: controller.signal })) {
      seen.push(result);
      controller.abort();
    }
    expect(seen.map((r) => r.status)).toEqual(['sent', 'failed', 'failed']);
    for (const result of seen.slice(1)) {
      expect(errorOf(result)).toBeInstanceOf(AbortedError);
      expect((errorOf(result) as AbortedError).mayHaveBeenDelivered).toBe(false);
    }
    expect(s.requests).toHaveLength(1);
    await limiter.stop({ dropWaitingJobs: true });
  });
});

describe('createMany: stopping', () => {
  it('an abort during beforeSend lets no request out', async () => {
    const s = await serve(ok);
    const controller = new AbortController();
    const results = await run(s, [item(1), item(2)], {
      signal: controller.signal,
      concurrency: 1,
      beforeSend: () => controller.abort(new Error('stop now')),
    });
    expect(s.requests).toEqual([]);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(errorOf(result)).toBeInstanceOf(AbortedError);
      expect((errorOf(result) as AbortedError).mayHaveBeenDelivered).toBe(false);
    }
  });

  it('an abort while create waits to retry a 503 lets no later attempt out', async () => {
    const controller = new AbortController();
    const s = await serve((_req, res) => {
      // A 30 s Retry-After: the item is still waiting when the abort lands, whatever the machine's load.
      reply(res, 503, 'Service Unavailable', { 'content-type': 'text/plain', 'retry-after': '30' });
      res.on('finish', () => controller.abort());
    });
    const results = await run(s, [item(1), item(2)], { signal: controller.signal, concurrency: 1 });
    expect(s.requests).toHaveLength(1);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(errorOf(result)).toBeInstanceOf(AbortedError);
      expect((errorOf(result) as AbortedError).mayHaveBeenDelivered).toBe(false);
    }
  });

  /** An async input whose second next() never settles; records its return(). */
  function stuckInput() {
    const state = { returned: 0, nexts: 0 };
    const iterator: AsyncIterator<CreateManyItem> = {
      next() {
        state.nexts++;
        return state.nexts === 1 ? Promise.resolve({ value: item(1), done: false }) : new Promise(() => {});
      },
      return() {
        state.returned++;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    return { state, input: { [Symbol.asyncIterator]: () => iterator } };
  }

  it('an abort while the input is stuck in next() ends the results and calls its return()', async () => {
    const s = await serve(ok);
    const { state, input } = stuckInput();
    const controller = new AbortController();
    const seen: CreateManyResult[] = [];
    for await (const result of createMany(clientFor(s), input, { signal: controller.signal })) {
      seen.push(result);
      controller.abort();
    }
    expect(seen.map((r) => r.status)).toEqual(['sent']);
    expect(state.returned).toBe(1);
    expect(s.requests).toHaveLength(1);
  });

  it('a break out of the results while the input is stuck in next() returns and calls its return()', async () => {
    const s = await serve(ok);
    const { state, input } = stuckInput();
    for await (const result of createMany(clientFor(s), input)) {
      expect(result.status).toBe('sent');
      break;
    }
    expect(state.returned).toBe(1);
    expect(s.requests).toHaveLength(1);
  });
});

describe('createMany: hostile input and answers', () => {
  it('null, undefined, a number and an array as items: each failed with InvalidInputError, the rest sent', async () => {
    const s = await serve(ok);
    const results = await run(s, [null, item(1), undefined, 42, [], item(2)]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'sent', 'failed', 'failed', 'failed', 'sent']);
    for (const [index, got] of [
      [0, 'null'],
      [2, 'undefined'],
      [3, 'number'],
      [4, 'array'],
    ] as const) {
      expect(errorOf(results[index])).toBeInstanceOf(InvalidInputError);
      expect((errorOf(results[index]) as Error).message).toMatch(new RegExp(`not an object of create params .* but ${got}[.]$`));
    }
    expect(s.requests.map((r) => JSON.parse(r.body.toString()).content)).toEqual(['m1', 'm2']);
  });

  it('a Retry-After of 9999999999 gives up at once with RateLimitError.retryAfterMs, with no timer overflow', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const s = await serve((_req, res) => reply(res, 429, 'Retry later', { 'content-type': 'text/plain', 'retry-after': '9999999999' }));
      const results = await run(s, [item(1), item(2)], { concurrency: 1, continueAfterFailure: true });
      for (const result of results) {
        expect(errorOf(result)).toBeInstanceOf(RateLimitError);
        expect((errorOf(result) as RateLimitError).retryAfterMs).toBe(9_999_999_999_000);
      }
      expect(s.requests).toHaveLength(2);
      // A warning is emitted on the next tick: give it one.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
