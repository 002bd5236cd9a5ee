// 99digital-client/testing as a user meets it: imported from the built package (self-reference
// through the exports map to dist/), started with no options, used with plain fetch, closed.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '99digital-client';
import { PrismStartError, startMockServer, type MockServer } from '99digital-client/testing';
import { deref, formatViolations, messagesUrl, postMessage, requestExamples } from '../spec/openapi.js';
import { isRunning, processesMentioning } from '../spec/processes.js';
import { formatErrors, validatorFor } from '../spec/schemas.js';

const started: MockServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((mock) => mock.close()));
});

describe('startMockServer from 99digital-client/testing', () => {
  it('serves the packaged spec: the text example in, the text example message out; close() stops it', async () => {
    const t0 = Date.now();
    const mock = await startMockServer();
    started.push(mock);
    const startMs = Date.now() - t0;
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(startMs).toBeLessThan(30_000);

    const [, textExample] = requestExamples('application/json').find(([name]) => name === 'text') ?? [];
    const response = await fetch(messagesUrl(mock.url, 1, 42), {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: 'testToken1234567890' },
      body: JSON.stringify(textExample),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('sl-violations')).toBeNull();
    expect(await response.json()).toEqual(deref({ $ref: '#/components/examples/TextMessageResponse' }).value);

    // Prism's log shows the request it served.
    expect(mock.log()).toContain('post /api/v1/accounts/1/conversations/42/messages');

    await mock.close();
    expect(isRunning(mock.pid)).toBe(false);
    await expect(mock.exited).resolves.toBeUndefined();
    await expect(fetch(mock.url)).rejects.toThrow();
    await expect(mock.close()).resolves.toBeUndefined(); // again: idempotent
  });

  it('dynamic: true generates messages from the schema (valid, and not the example)', async () => {
    const mock = await startMockServer({ dynamic: true });
    started.push(mock);
    const validate = validatorFor('#/components/schemas/Message');
    const example = deref({ $ref: '#/components/examples/TextMessageResponse' }).value;
    for (let i = 0; i < 5; i++) {
      const answer = await postMessage(mock.url, { content: 'Hello' });
      expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
      expect(answer.status).toBe(200);
      expect(validate(answer.body), formatErrors(validate.errors)).toBe(true);
      expect(answer.body).not.toEqual(example);
    }
    await mock.close();
    expect(isRunning(mock.pid)).toBe(false);
  });

  it('a port that is taken: PrismStartError with Prism\'s EADDRINUSE, and nothing left running', async () => {
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
      expect(error).toBeInstanceOf(PrismStartError);
      // The testing entry's errors belong to the package's one hierarchy.
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as PrismStartError).log).toContain('EADDRINUSE');
      expect((error as PrismStartError).message).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      expect(processesMentioning(` -p ${port} `) ?? []).toEqual([]);
    } finally {
      await new Promise((closed) => blocker.close(closed));
    }
  });
});
