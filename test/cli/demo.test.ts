// scripts/demo.mjs (npm start), end to end: against the embedded mock, and against a "real" server.
// The cases are independent (each its own server, its own demo process) and run concurrently, so
// that the mock's start-up overlaps the others.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it, type TestContext, vi } from 'vitest';
import { replyWithMessage, startRecordingServer, type RecordingServer } from './recording-server.js';
import { checkBuilt, processesWithMarker, runNode, secretToken } from './run-cli.js';

// Each test here starts Prism or a child process: on a loaded 2-core machine that alone can take
// longer than the default 20 s (vitest.config.ts), which is no failure of the behaviour tested.
vi.setConfig({ testTimeout: 60_000 });

beforeAll(checkBuilt);

/**
 * A recording server for one test, closed when it ends. The test's own onTestFinished: with
 * concurrent tests, the global one may attach to another test (and close this server early).
 */
async function serve(test: TestContext, ...args: Parameters<typeof startRecordingServer>): Promise<RecordingServer> {
  const server = await startRecordingServer(...args);
  test.onTestFinished(() => server.close());
  return server;
}

describe.concurrent('npm start (scripts/demo.mjs)', () => {
  it('without a token: runs against the mock, prints both messages and the docs hint, leaves no Prism behind', async ({ expect }) => {
    const marker = randomUUID();
    const result = await runNode(['scripts/demo.mjs'], { env: { DIGITAL99_DEMO_TEST_RUN: marker } });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('against the built-in mock server');
    expect(result.stdout).toContain('1. A text message\n  sent      POST /api/v1/accounts/1/conversations/42/messages\n');
    expect(result.stdout).toContain('"content": "Hello from the 99digital-client demo"');
    expect(result.stdout).toContain('2. An interactive message (input_select');
    expect(result.stdout).toContain('"content_type": "input_select"');
    expect(result.stdout).toContain('answer    HTTP 200 OK');
    // The mock answers with the message built from each request.
    expect(result.stdout).toContain('message   id 1 in conversation 42 · outgoing (1), text · status sent');
    expect(result.stdout).toContain('content "Hello from the 99digital-client demo"');
    expect(result.stdout).toContain('message   id 2 in conversation 42 · outgoing (1), input_select · status sent');
    expect(result.stdout).toContain('content "Which team should answer you?"');
    expect(result.stdout).not.toContain('not an echo');
    expect(result.stdout).toContain('options Sales (sales) · Support (support)');
    expect(result.stdout).toContain('npm run docs        → docs/index.html');
    expect(result.stdout).toContain('npm run docs:serve');
    expect(result.stdout).toContain('Mock server stopped.');
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('with a token and a server: sends both messages there as private notes, never printing the token', async (test) => {
    const { expect } = test;
    const server = await serve(test, replyWithMessage);
    const result = await runNode(['scripts/demo.mjs'], {
      env: {
        DIGITAL99_API_ACCESS_TOKEN: secretToken,
        DIGITAL99_BASE_URL: server.url,
        DIGITAL99_ACCOUNT_ID: '7',
        DIGITAL99_CONVERSATION_ID: '99',
      },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('private notes');
    expect(result.stdout).toContain('(X-Request-Id req-123)');
    expect(server.requests.map((request) => [request.method, request.url, request.headers['api_access_token']])).toEqual([
      ['POST', '/api/v1/accounts/7/conversations/99/messages', secretToken],
      ['POST', '/api/v1/accounts/7/conversations/99/messages', secretToken],
    ]);
    const bodies = server.requests.map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    expect(bodies.map((body) => [body.content_type ?? 'text', body.private])).toEqual([
      ['text', true],
      ['input_select', true],
    ]);
    expect(result.stdout + result.stderr).not.toContain(secretToken);
  });

  it('fails with one readable line and a non-zero exit', async ({ expect }) => {
    const result = await runNode(['scripts/demo.mjs'], { env: { DIGITAL99_API_ACCESS_TOKEN: secretToken } });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'demo: DIGITAL99_API_ACCESS_TOKEN is set, so the demo talks to a real server: set DIGITAL99_ACCOUNT_ID too (or run `npm start -- --mock`).\n',
    );
  });

  it('a server error ends the demo with one line saying whether the message was delivered', async (test) => {
    const { expect } = test;
    const server = await serve(test, (_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"Resource could not be found"}');
    });
    const result = await runNode(['scripts/demo.mjs'], {
      env: {
        DIGITAL99_API_ACCESS_TOKEN: secretToken,
        DIGITAL99_BASE_URL: server.url,
        DIGITAL99_ACCOUNT_ID: '7',
        DIGITAL99_CONVERSATION_ID: '99',
      },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^demo: POST \/api\/v1\/accounts\/7\/conversations\/99\/messages failed with 404 [^\n]* \[not delivered\]\n$/,
    );
    expect(server.requests).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(secretToken);
  });
});
