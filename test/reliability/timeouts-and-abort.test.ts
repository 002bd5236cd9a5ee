// timeoutMs (per attempt) and the caller's AbortSignal, alone and together, against real loopback
// servers; after each call, no timer, socket or abort listener is left behind.
import { getEventListeners } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AbortedError, ConfigurationError, RateLimitError, TimeoutError, createClient, type ClientOptions } from '../../src/index.js';
import { expectNothingLeft, serversClosedAfterEach, settledResources } from './leftovers.js';
import { reply, type LoopbackServer } from './loopback-server.js';
import { secretToken } from './token-exposure.js';
import { messageJson } from '../support/sample-message.js';

const params = { account_id: 1, conversation_id: 42, content: 'cancel me' };

const { servers, serve } = serversClosedAfterEach();

function clientFor(server: LoopbackServer, options: Partial<ClientOptions> = {}) {
  return createClient({
    apiAccessToken: secretToken,
    baseUrl: server.url,
    timeoutMs: 5_000,
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 50 },
    ...options,
  });
}

/**
 * Runs the call; then checks the client left nothing running and, unless the server answered in
 * full (the connection then stays in the pool, unref'd, for reuse), closed its connections.
 */
async function settle<T>(
  server: LoopbackServer,
  call: () => Promise<T>,
  { answered = false } = {},
): Promise<{ value?: T; error?: unknown }> {
  const before = await settledResources(servers);
  let outcome: { value?: T; error?: unknown };
  try {
    outcome = { value: await call() };
  } catch (error) {
    outcome = { error };
  }
  if (!answered) await server.requestConnectionsClosed();
  await expectNothingLeft(before, servers);
  return outcome;
}

describe('the caller aborts', () => {
  it('before sending: nothing reaches the server, not even a connection', async () => {
    const server = await serve((_req, res) => reply(res, 200, messageJson()));
    const caller = new AbortController();
    const reason = new Error('user navigated away');
    caller.abort(reason);
    const { error } = await settle(server, () => clientFor(server).messages.create(params, { signal: caller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: false, code: 'ABORT_ERR', cause: reason });
    expect((error as Error).message).toMatch(/before it was sent; nothing was posted/);
    expect(server.connectionsOpened()).toBe(0);
  });

  it('in flight: AbortedError, outcome unknown, connection closed, no further attempt', async () => {
    const caller = new AbortController();
    const server = await serve(() => caller.abort(new Error('stop')));
    const { error } = await settle(server, () => clientFor(server).messages.create(params, { signal: caller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: true });
    expect((error as Error).message).toMatch(/while in flight; the server may have posted the message/);
    expect(server.requests).toHaveLength(1);
  });

  it('while waiting between retries: no further request, and the wait ends at once', async () => {
    const caller = new AbortController();
    const server = await serve((_req, res) => reply(res, 429, 'Retry later', { 'content-type': 'text/plain' }));
    // A minute's wait: if the abort were not honoured, the test would time out.
    const client = clientFor(server, {
      retry: { retries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 },
      debug: (line) => {
        if (line.startsWith('retry:')) setTimeout(() => caller.abort(new Error('shutting down')), 20);
      },
    });
    const { error } = await settle(server, () => client.messages.create(params, { signal: caller.signal }), { answered: true });
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: false });
    expect((error as Error).message).toMatch(/while waiting to retry; nothing was posted/);
    expect(server.requests).toHaveLength(1);
  });

  it('in the gap between an answer and the wait: the wait does not start', async () => {
    const caller = new AbortController();
    const server = await serve((_req, res) => reply(res, 503, 'busy', { 'content-type': 'text/plain', 'retry-after': '30' }));
    const client = clientFor(server, {
      retry: { retries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 },
      // Runs after the 503 was read and before the wait begins.
      debug: (line) => {
        if (line.startsWith('retry:')) caller.abort(new Error('now'));
      },
    });
    const { error } = await settle(server, () => client.messages.create(params, { signal: caller.signal }), { answered: true });
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: false });
    expect(server.requests).toHaveLength(1);
  });

  it("with the caller's own AbortSignal.timeout: AbortedError whose cause is that signal's reason", async () => {
    const server = await serve(() => {});
    // 1 s, not less: the request must reach the server before the signal fires, on a loaded machine too.
    const { error } = await settle(server, () => clientFor(server).messages.create(params, { signal: AbortSignal.timeout(1_000) }));
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toMatchObject({ name: 'TimeoutError' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('the abort is classified by when it happened, whatever the reason', () => {
  // The fan-out pattern: the first failure aborts its siblings with itself.
  const sibling = () =>
    new RateLimitError('a sibling was rate limited', { status: 429, body: '', headers: {}, method: 'POST', url: '' }, 1_000);

  it('before sending, with a Digital99Error reason: AbortedError, nothing posted, the reason as cause', async () => {
    const server = await serve((_req, res) => reply(res, 200, messageJson()));
    const caller = new AbortController();
    const reason = sibling();
    caller.abort(reason);
    const { error } = await settle(server, () => clientFor(server).messages.create(params, { signal: caller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: false, cause: reason });
    expect(server.connectionsOpened()).toBe(0);
  });

  it('while waiting to retry, with a Digital99Error reason: AbortedError, nothing posted', async () => {
    const caller = new AbortController();
    const server = await serve((_req, res) => reply(res, 429, 'Retry later', { 'retry-after': '30', 'content-type': 'text/plain' }));
    const client = clientFor(server, {
      retry: { retries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 },
      debug: (line) => {
        if (line.startsWith('retry:')) setTimeout(() => caller.abort(sibling()), 20);
      },
    });
    const { error } = await settle(server, () => client.messages.create(params, { signal: caller.signal }), { answered: true });
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ mayHaveBeenDelivered: false });
    expect((error as Error).message).toMatch(/while waiting to retry/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a signal that is not an AbortSignal', () => {
  const fake = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };

  it('messages.create: ConfigurationError before the params are checked, before any timer or request', async () => {
    const server = await serve((_req, res) => reply(res, 200, messageJson()));
    // The params are wrong too: the options are checked first.
    const { error } = await settle(
      server,
      () => clientFor(server).messages.create({ ...params, account_id: 'x' as never }, { signal: fake as never }),
      {
        answered: true,
      },
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'signal (per call) must be an AbortSignal, e.g. new AbortController().signal or AbortSignal.timeout(ms), got an object (Object).',
    );
    expect(server.connectionsOpened()).toBe(0);
  });

  it('client.api: the same ConfigurationError, nothing sent', async () => {
    const server = await serve((_req, res) => reply(res, 200, messageJson()));
    const { error } = await settle(
      server,
      () =>
        clientFor(server).api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
          params: { path: { account_id: 1, conversation_id: 42 } },
          body: { content: 'x' },
          signal: 'stop' as never,
        }),
      { answered: true },
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^signal \(per call\) must be an AbortSignal.*got string\.$/);
    expect(server.connectionsOpened()).toBe(0);
  });
});

describe('timeoutMs', () => {
  it('a server that never answers: TimeoutError, not retried, connection closed', async () => {
    const server = await serve(() => {});
    // The server never answers, so a timeout is the only outcome; 1 s (not 200 ms) so that the request
    // has reached the server before it runs out, on a loaded machine too.
    const { error } = await settle(server, () => clientFor(server, { timeoutMs: 1_000 }).messages.create(params));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 1_000, mayHaveBeenDelivered: true, code: 'ETIMEDOUT' });
    // Not retried: the one attempt, and no other.
    expect(server.requests).toHaveLength(1);
  });

  it('is per attempt: three slow attempts that together exceed it still succeed', async () => {
    const server = await serve((_req, res, i) => {
      setTimeout(() => (i < 2 ? reply(res, 503, 'busy', { 'retry-after': '0' }) : reply(res, 200, messageJson())), 700);
    });
    // Each attempt takes 700 ms at the server, 2,100 ms together, against a timeout of 2,000 ms: each
    // attempt has 1.3 s to spare for a loaded machine, and the sum still exceeds the timeout.
    const { value, error } = await settle(server, () => clientFor(server, { timeoutMs: 2_000 }).messages.create(params), {
      answered: true,
    });
    expect(error).toBeUndefined();
    expect(value).toMatchObject({ id: 1022 });
    expect(server.requests).toHaveLength(3);
  });

  it('a per-call timeoutMs overrides the client', async () => {
    const server = await serve(() => {});
    const { error } = await settle(server, () => clientFor(server, { timeoutMs: 60_000 }).messages.create(params, { timeoutMs: 150 }));
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 150 });
  });

  it('longer than setTimeout can hold (over 2^31 - 1 ms) is not a timeout of 1 ms', async () => {
    const server = await serve((_req, res) => void setTimeout(() => reply(res, 200, messageJson()), 50));
    const { value, error } = await settle(server, () => clientFor(server, { timeoutMs: 2 ** 31 + 1_000 }).messages.create(params), {
      answered: true,
    });
    expect(error).toBeUndefined();
    expect(value).toMatchObject({ id: 1022 });
  });

  it('together with a signal that does not fire: TimeoutError, and the signal is left alone', async () => {
    const server = await serve(() => {});
    const caller = new AbortController();
    const { error } = await settle(server, () => clientFor(server, { timeoutMs: 150 }).messages.create(params, { signal: caller.signal }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(caller.signal.aborted).toBe(false);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});

describe('nothing outlives a call', () => {
  it("a body handed on unread (client.api's parseAs: 'stream') is still whole when read after the call", async () => {
    const server = await serve((_req, res) => reply(res, 200, messageJson()));
    const { value } = await settle(
      server,
      () =>
        clientFor(server).api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
          params: { path: { account_id: 1, conversation_id: 42 } },
          body: { content: 'x' },
          parseAs: 'stream',
        }),
      { answered: true },
    );
    expect(await new Response(value?.data as ReadableStream).text()).toBe(messageJson());
  });

  it("no abort listener stays on the caller's signal, whatever the outcome", async () => {
    const caller = new AbortController();
    const server = await serve((_req, res, i) => {
      if (i === 0 || i === 1) return reply(res, 429, 'Retry later', { 'retry-after': '0' }); // retried, then 200
      if (i === 3) return reply(res, 500, '{}'); // fails
      if (i === 4) return; // times out
      reply(res, 200, messageJson());
    });
    // Only the call meant to time out has a short timeout: on a loaded machine the others must not.
    const client = clientFor(server, { timeoutMs: 10_000 });
    const sent = await settle(server, () => client.messages.create(params, { signal: caller.signal }), { answered: true });
    const failed = await settle(server, () => client.messages.create(params, { signal: caller.signal }), { answered: true });
    // 1 s: the request must have reached the server (5 requests below) before the timeout runs out.
    const timedOut = await settle(server, () => client.messages.create(params, { signal: caller.signal, timeoutMs: 1_000 }));
    expect([sent.value?.id, failed.error, timedOut.error]).toEqual([
      1022,
      expect.objectContaining({ status: 500 }),
      expect.any(TimeoutError),
    ]);
    expect(server.requests).toHaveLength(5);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('the leftovers check is real: it catches a leaked timer and a leaked socket', async () => {
    const server = await serve(() => {});
    const before = await settledResources(servers);
    const timer = setTimeout(() => {}, 60_000);
    await expect(expectNothingLeft(before, servers, 50)).rejects.toThrow(/Timeout×1/);
    clearTimeout(timer);
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await expect(expectNothingLeft(before, servers, 50)).rejects.toThrow(/TCPSocketWrap×1/);
    socket.destroy();
    await expectNothingLeft(before, servers);
  });
});
