// 99digital-client/testing as a user meets it: imported from the built package (self-reference
// through the exports map to dist/), used with plain fetch, closed; the spec's examples and
// generated messages on request; a taken port refused before Prism is started.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '99digital-client';
import { PrismStartError, startMockServer, type MockServer } from '99digital-client/testing';
import { deref, messagesUrl, requestExamples } from '../spec/openapi.js';
import { isRunning, processesMentioning } from '../spec/processes.js';

// Each test here starts Prism or a child process: on a loaded 2-core machine that alone can take
// longer than the default 20 s (vitest.config.ts), which is no failure of the behaviour tested.
vi.setConfig({ testTimeout: 60_000 });

const started: MockServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((mock) => mock.close()));
});

// The tests run at once: each starts its own Prism (or none), so their starts overlap.
describe.concurrent('startMockServer from 99digital-client/testing', () => {
  it("respond: 'examples' serves the packaged spec's examples: the text example in, the text example message out; close() stops it", async () => {
    // How long Prism takes to start is no behaviour of the helper (a loaded machine makes it slow):
    // it resolves once Prism answers, which the requests below rely on.
    const mock = await startMockServer({ respond: 'examples' });
    started.push(mock);
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const [, textExample] = requestExamples('application/json').find(([name]) => name === 'text') ?? [];
    const response = await fetch(messagesUrl(mock.url, 1, 42), {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: 'testToken1234567890' },
      body: JSON.stringify(textExample),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('sl-violations')).toBeNull();
    expect(await response.json()).toEqual(deref({ $ref: '#/components/examples/TextMessageResponse' }).value);
    expect(mock.requests.map((r) => [r.method, r.path, r.status, r.body])).toEqual([
      ['POST', '/api/v1/accounts/1/conversations/42/messages', 200, textExample],
    ]);

    // Prism's log shows the request it served.
    expect(mock.log()).toContain('post /api/v1/accounts/1/conversations/42/messages');

    await mock.close();
    expect(isRunning(mock.pid)).toBe(false);
    await expect(mock.exited).resolves.toBeUndefined();
    await expect(fetch(mock.url)).rejects.toThrow();
    await expect(mock.close()).resolves.toBeUndefined(); // again: idempotent
  });

  it('if Prism dies, the mock answers 502 saying so, and close() still stops it', async () => {
    const mock = await startMockServer();
    started.push(mock);
    process.kill(mock.pid, 'SIGKILL');
    await mock.exited;
    const response = await fetch(messagesUrl(mock.url, 1, 42), {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: 'testToken1234567890' },
      body: '{"content":"Hi"}',
    });
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/^The mock's Prism process did not answer: /);
    expect(mock.requests.map((r) => [r.answeredBy, r.status])).toEqual([['prism', 502]]);
    await mock.close();
    await expect(fetch(mock.url)).rejects.toThrow();
  });

  it('a port that is taken: ConfigurationError naming EADDRINUSE, before any Prism is started', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const error = await startMockServer({ port }).then(
        (mock) => {
          started.push(mock);
          return undefined;
        },
        (caught: unknown) => caught,
      );
      // The testing entry's errors belong to the package's one hierarchy.
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).not.toBeInstanceOf(PrismStartError);
      expect((error as Error).message).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      expect((error as Error).message).toContain('leave port out for a free one');
      expect(processesMentioning(` -p ${port} `) ?? []).toEqual([]);
    } finally {
      await new Promise((closed) => blocker.close(closed));
    }
  });
});
