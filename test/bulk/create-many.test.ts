// createMany against a loopback server that emulates the server's limits with short
// windows (limits-server.ts): pacing in any window, the 429 pause for all, the flood-limit pause
// for one conversation, order per conversation, failures, skip, abort, and a bounded look-ahead.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConfigurationError,
  createClient,
  EarlierMessageFailedError,
  NotFoundError,
  type CreateManyItem,
  type CreateManyOptions,
  type CreateManyResult,
} from '../../src/index.js';
import { createMany } from '../../src/bulk/index.js';
import { secretToken, tokenExposures } from '../reliability/token-exposure.js';
import { startLimitsServer, type LimitsServer, type LimitsServerOptions } from './limits-server.js';

let server: LimitsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: LimitsServerOptions): Promise<LimitsServer> {
  server = await startLimitsServer(options);
  return server;
}

function clientFor(url: string) {
  return createClient({ apiAccessToken: secretToken, baseUrl: url, retry: { retries: 2, minDelayMs: 10, maxDelayMs: 100 } });
}

/** `perConversation` items for each of `conversations`, interleaved, content naming both. */
function items(conversations: number[], perConversation: number): CreateManyItem[] {
  const out: CreateManyItem[] = [];
  for (let n = 0; n < perConversation; n++) {
    for (const c of conversations) out.push({ account_id: 1, conversation_id: c, content: `c${c}-m${n}`, key: `c${c}-m${n}` });
  }
  return out;
}

async function collect(results: AsyncIterable<CreateManyResult>): Promise<CreateManyResult[]> {
  const all: CreateManyResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

/** Resolves once `condition()` holds (checked every 5 ms): waits on an event, never on a duration. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function expectEachOnce(results: CreateManyResult[], count: number): void {
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
}

/** The contents the server saved for a conversation, in arrival order. */
function savedIn(s: LimitsServer, conversation: number): string[] {
  return s
    .saved()
    .filter((a) => a.conversation === conversation)
    .map((a) => a.content);
}

describe('createMany: pacing', () => {
  it('never has more than perMinute requests in any window, and keeps each conversation in order', async () => {
    const windowMs = 150;
    const s = await serve({ windowMs, perWindow: 14 });
    const batch = items([1, 2, 3, 4, 5], 5);
    const started = Date.now();
    const results = await collect(createMany(clientFor(s.url), batch, { perMinute: 10, windowMs, concurrency: 4 }));

    expectEachOnce(results, 25);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(s.arrivals.filter((a) => a.status !== 200)).toEqual([]);
    expect(s.maxInAnyWindow()).toBeLessThanOrEqual(10);
    // 25 at 10 a window: the third ten cannot start before two windows have passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * windowMs);
    for (const c of [1, 2, 3, 4, 5]) expect(savedIn(s, c)).toEqual(Array.from({ length: 5 }, (_, n) => `c${c}-m${n}`));
    // Results carry the key and the message the server made.
    const first = results.find((r) => r.key === 'c3-m0');
    expect(first).toMatchObject({ status: 'sent', index: 2, message: { conversation_id: 3, content: 'c3-m0' } });
  });

  it("keeps the pace when create retries: every attempt (503 + Retry-After, then the retry) counts in the batch's window", async () => {
    const windowMs = 400;
    const turnedAway = new Set<string>();
    const s = await serve({
      windowMs,
      // Each item's first attempt: "come back later" (retried at once, Retry-After: 0).
      override: ({ content }, res) => {
        if (turnedAway.has(content)) return undefined;
        turnedAway.add(content);
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' });
        res.end('busy');
        return 503;
      },
    });
    const results = await collect(createMany(clientFor(s.url), items([1, 2, 3, 4, 5, 6], 4), { perMinute: 12, windowMs, concurrency: 6 }));

    expectEachOnce(results, 24);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(s.arrivals).toHaveLength(48);
    expect(s.arrivals.filter((a) => a.status === 503)).toHaveLength(24);
    // What the server received: never more than perMinute (12) in any window, retries included.
    expect(s.maxInAnyWindow()).toBeLessThanOrEqual(12);
  });

  it('pauses every item until the next window after a 429, and loses no message to it', async () => {
    // The server's first window opens with the first request (its clock and Date header are shifted
    // so), so the sixth request lands in it and is refused unless six requests take 2 s to send.
    const windowMs = 2_000;
    const s = await serve({ windowMs, perWindow: 5, windowsFromFirstArrival: true });
    // One pause, until the next window by the 429's Date header.
    const results = await collect(createMany(clientFor(s.url), items([1, 2], 4), { perMinute: 0, windowMs, concurrency: 2 }));

    expectEachOnce(results, 8);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const refused = s.arrivals.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // After a 429, only requests already in flight (fewer than the concurrency) reach the same window.
    for (const r of refused) {
      const sameWindowAfter = s.arrivals.filter((a) => Math.floor(a.at / windowMs) === Math.floor(r.at / windowMs) && a.at > r.at);
      expect(sameWindowAfter.length).toBeLessThan(2);
    }
    expect(s.saved()).toHaveLength(8);
    for (const c of [1, 2]) expect(savedIn(s, c)).toEqual(Array.from({ length: 4 }, (_, n) => `c${c}-m${n}`));
  });

  it('pauses only the conversation that hits the flood limit (422 Too many messages)', async () => {
    const windowMs = 1_000;
    // Conversation 2's first answer is held until conversation 1 has been refused, so conversation 2
    // still has messages to send while conversation 1 waits (an event, not a race with the clock).
    const flooded = (): boolean => s.arrivals.some((a) => a.status === 422);
    const s: LimitsServer = await serve({
      windowMs,
      perConversation: 3,
      holdUntil: (a) => (a.content === 'c2-m0' ? until(flooded) : undefined),
    });
    const batch = [...items([1], 5), ...items([2], 3)];
    const results = await collect(createMany(clientFor(s.url), batch, { perMinute: 0, windowMs, concurrency: 2 }));

    expectEachOnce(results, 8);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(savedIn(s, 1)).toEqual(Array.from({ length: 5 }, (_, n) => `c1-m${n}`));
    const floods = s.arrivals.filter((a) => a.status === 422);
    expect(floods.length).toBeGreaterThan(0);
    expect(floods.every((a) => a.conversation === 1)).toBe(true);
    // Conversation 2 went on while conversation 1 waited out its window: its last two messages were
    // sent after the refusal and arrived before conversation 1's next request (a pause for all would
    // have held them until then; the pause is a whole window, 1 s, for two requests on loopback).
    const of2 = s.saved().filter((a) => a.conversation === 2);
    const resumed = Math.min(...s.arrivals.filter((a) => a.conversation === 1 && a.at > floods[0]!.at).map((a) => a.at));
    expect(of2.map((a) => a.content)).toEqual(['c2-m0', 'c2-m1', 'c2-m2']);
    expect(of2[1]!.at).toBeGreaterThanOrEqual(floods[0]!.at);
    expect(of2[2]!.at).toBeLessThan(resumed);
  });
});

describe('createMany: results', () => {
  it('reports a failure, and does not send the later messages of its conversation', async () => {
    const s = await serve({
      windowMs: 60_000,
      override: (a, res) => {
        if (a.content !== 'c1-m1') return undefined;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"Resource could not be found"}');
        return 404;
      },
    });
    const results = await collect(createMany(clientFor(s.url), items([1, 2], 4), { perMinute: 0 }));

    expectEachOnce(results, 8);
    const byKey = new Map(results.map((r) => [r.key, r]));
    const failed = byKey.get('c1-m1');
    expect(failed?.status).toBe('failed');
    expect(failed?.status === 'failed' && failed.error).toBeInstanceOf(NotFoundError);
    for (const key of ['c1-m2', 'c1-m3']) {
      const r = byKey.get(key);
      expect(r?.status).toBe('failed');
      const error = r?.status === 'failed' ? r.error : undefined;
      expect(error).toBeInstanceOf(EarlierMessageFailedError);
      expect(error).toMatchObject({ mayHaveBeenDelivered: false, failedIndex: 2, failedKey: 'c1-m1' });
      expect(error?.message).toContain('message 2 (key "c1-m1")');
    }
    expect(savedIn(s, 1)).toEqual(['c1-m0']);
    expect(savedIn(s, 2)).toEqual(['c2-m0', 'c2-m1', 'c2-m2', 'c2-m3']);
  });

  it('sends the rest of the conversation with continueAfterFailure', async () => {
    const s = await serve({
      windowMs: 60_000,
      override: (a, res) => (a.content === 'c1-m1' ? (res.writeHead(404).end('{"error":"Resource could not be found"}'), 404) : undefined),
    });
    const results = await collect(createMany(clientFor(s.url), items([1], 4), { perMinute: 0, continueAfterFailure: true }));
    expect(results.map((r) => [r.key, r.status])).toEqual([
      ['c1-m0', 'sent'],
      ['c1-m1', 'failed'],
      ['c1-m2', 'sent'],
      ['c1-m3', 'sent'],
    ]);
    expect(savedIn(s, 1)).toEqual(['c1-m0', 'c1-m2', 'c1-m3']);
  });

  it('skips what skip() says, calls beforeSend before each request, and reports bad items without sending them', async () => {
    const s = await serve({ windowMs: 60_000 });
    const announced: Array<{ key: string | undefined; at: number }> = [];
    const batch: CreateManyItem[] = [
      ...items([7], 3),
      { account_id: 1, conversation_id: 8, content: 'bad', message_type: 'shout' as 'outgoing', key: 'bad' },
      { account_id: 1, conversation_id: 8, content: 'c8', key: 5 as unknown as string },
    ];
    const options: CreateManyOptions = {
      perMinute: 0,
      skip: (item) => item.key === 'c7-m1',
      beforeSend: (item) => void announced.push({ key: item.key, at: Date.now() }),
      continueAfterFailure: true,
    };
    const results = await collect(createMany(clientFor(s.url), batch, options));

    expectEachOnce(results, 5);
    expect(results.find((r) => r.key === 'c7-m1')).toEqual({ index: 1, key: 'c7-m1', status: 'skipped' });
    const bad = results.filter((r) => r.status === 'failed').sort((a, b) => a.index - b.index);
    expect(bad.map((r) => [r.index, r.status === 'failed' && r.error.name, r.status === 'failed' && r.error.mayHaveBeenDelivered])).toEqual(
      [
        [3, 'InvalidInputError', false],
        [4, 'InvalidInputError', false],
      ],
    );
    expect(s.saved().map((a) => a.content)).toEqual(['c7-m0', 'c7-m2']);
    // beforeSend ran for each item that was going to be sent, before the server had it (an item
    // that fails its input checks is refused before it takes a turn, so it is not announced).
    expect(announced.map((a) => a.key).sort()).toEqual(['c7-m0', 'c7-m2']);
    for (const arrival of s.saved()) {
      expect(announced.find((a) => a.key === arrival.content)!.at).toBeLessThanOrEqual(arrival.at);
    }
  });

  it('stops starting items when the signal fires: in-flight ones settle, the rest are reported not sent, each once', async () => {
    const s = await serve({ windowMs: 60_000, latencyMs: () => 30 });
    const controller = new AbortController();
    const results: CreateManyResult[] = [];
    for await (const r of createMany(clientFor(s.url), items([1, 2, 3, 4], 50), {
      perMinute: 0,
      concurrency: 4,
      signal: controller.signal,
    })) {
      results.push(r);
      if (results.length === 6) controller.abort(new Error('enough'));
    }
    await new Promise((resolve) => setTimeout(resolve, 60)); // nothing may arrive after the stream ended

    const sent = results.filter((r) => r.status === 'sent');
    const notSent = results.filter((r) => r.status === 'failed');
    // Every item read is reported once: indices 0..n-1, none twice; the input was not read to the end.
    expectEachOnce(results, results.length);
    expect(results.length).toBeLessThan(200);
    expect(sent.length).toBeGreaterThanOrEqual(6);
    expect(notSent.every((r) => r.status === 'failed' && r.error instanceof AbortedError && !r.error.mayHaveBeenDelivered)).toBe(true);
    // The server got exactly the ones reported sent.
    expect(
      s
        .saved()
        .map((a) => a.content)
        .sort(),
    ).toEqual(sent.map((r) => r.key).sort());
  });

  it('reads a long async input only a bounded look-ahead in front of the results taken', async () => {
    // An injected fetch: thousands of items in well under a second.
    let requests = 0;
    const message = { id: 1, content: 'm', conversation_id: 1, message_type: 1, content_type: 'text', created_at: 1764096000 };
    const client = createClient({
      apiAccessToken: secretToken,
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => {
        requests++;
        return new Response(JSON.stringify(message), { headers: { 'content-type': 'application/json' } });
      },
    });
    let produced = 0;
    let taken = 0;
    let maxAhead = 0;
    async function* input(): AsyncGenerator<CreateManyItem> {
      for (let i = 0; i < 1_500; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - taken);
        yield { account_id: 1, conversation_id: 1 + (i % 50), content: `m${i}` };
      }
    }
    for await (const r of createMany(client, input(), { perMinute: 0, concurrency: 8 })) {
      expect(r.status).toBe('sent');
      taken++;
    }
    expect(taken).toBe(1_500);
    expect(requests).toBe(1_500);
    // The look-ahead is max(64, 16 × concurrency) items, whatever the input's length.
    expect(maxAhead).toBeLessThanOrEqual(8 * 16 + 1);
  });

  it('reports errors through the client redaction: a token echoed by the server is not in the result', async () => {
    const s = await serve({
      windowMs: 60_000,
      override: (a, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `bad token ${a.token ?? ''}` }));
        return 500;
      },
    });
    const [result] = await collect(createMany(clientFor(s.url), items([1], 1), { perMinute: 0 }));
    expect(result?.status).toBe('failed');
    expect(result?.status === 'failed' && result.error.mayHaveBeenDelivered).toBe(true);
    expect(tokenExposures(result)).toEqual([]);
  });

  it('checks its options and input before anything is read or sent', () => {
    const client = createClient({ apiAccessToken: secretToken, baseUrl: 'http://127.0.0.1:9' });
    const limiter = { schedule: <R>(fn: () => Promise<R>) => fn() };
    expect(() => createMany(client, [], { perMinute: 10, limiter })).toThrow(/either perMinute or limiter/);
    expect(() => createMany(client, [], { concurrency: 0 })).toThrow(ConfigurationError);
    expect(() => createMany(client, [], { perMinute: -1 })).toThrow(/perMinute must be a whole number from 0/);
    expect(() => createMany(client, 42 as never)).toThrow(/items must be an array, an iterable or an async iterable/);
    expect(() => createMany(client, [], { signal: {} as AbortSignal })).toThrow(/signal must be an AbortSignal/);
    const once = createMany(client, []);
    once[Symbol.asyncIterator]();
    expect(() => once[Symbol.asyncIterator]()).toThrow(/iterated once/);
  });
});
