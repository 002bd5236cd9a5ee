// scripts/contract.mjs (npm run test:contract) against a local fake server on 127.0.0.1: skipped
// without its variables, differences found (and exit 1) when the server answers with the 99digital
// reference table's numbering, none (exit 0) when it answers as the spec says. The token never
// appears in the output, and the fake server checks what actually reached it.
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { deref, specPath, type Json } from './openapi.js';

// Each test here starts Prism or a child process: on a loaded 2-core machine that alone can take
// longer than the default 20 s (vitest.config.ts), which is no failure of the behaviour tested.
vi.setConfig({ testTimeout: 60_000 });

const script = join(dirname(specPath), 'scripts', 'contract.mjs');
const TOKEN = 'contractTestToken5f2a9c';
const VARIABLES = ['DIGITAL99_BASE_URL', 'DIGITAL99_API_ACCESS_TOKEN', 'DIGITAL99_ACCOUNT_ID', 'DIGITAL99_CONVERSATION_ID'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runContract(variables: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of VARIABLES) delete env[name];
  Object.assign(env, variables);
  return new Promise((done) => {
    execFile(process.execPath, [script], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Json;
}

/** A stand-in for the 99digital server: records each request, answers with `answer(body)`. */
async function fakeServer(answer: (body: Json) => Json): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, reply) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as Json;
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      reply.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

function close(server: Server): Promise<unknown> {
  return new Promise((closed) => server.close(closed));
}

function expectNoToken(run: Run): void {
  expect(run.stdout).not.toContain(TOKEN);
  expect(run.stderr).not.toContain(TOKEN);
}

function expectOneNote(received: Received[]): void {
  expect(received).toHaveLength(1);
  const [request] = received;
  expect(request?.method).toBe('POST');
  expect(request?.url).toBe('/api/v1/accounts/7/conversations/99/messages');
  expect(request?.headers['api_access_token']).toBe(TOKEN);
  expect(request?.body).toEqual({
    content: expect.stringMatching(/^99digital-client contract test \d{4}-\d\d-\d\dT/),
    message_type: 'outgoing',
    private: true,
  });
}

// The four runs are independent child processes (each its own fake server): they run at once.
describe.concurrent('npm run test:contract', () => {
  it('is skipped (exit 0) and names every missing variable when none is set', async () => {
    const run = await runContract({});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Contract test SKIPPED: DIGITAL99_BASE_URL, DIGITAL99_API_ACCESS_TOKEN, DIGITAL99_ACCOUNT_ID, DIGITAL99_CONVERSATION_ID are not set\./,
    );
  });

  it('is skipped naming only the missing ones, without printing the token that is set', async () => {
    const run = await runContract({ DIGITAL99_BASE_URL: 'http://127.0.0.1:9', DIGITAL99_API_ACCESS_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Contract test SKIPPED: DIGITAL99_ACCOUNT_ID, DIGITAL99_CONVERSATION_ID are not set\./);
    expectNoToken(run);
  });

  it("reports the reference table's numbering and a missing field, exit 1, token never shown", async () => {
    // Answers as the 99digital reference's table would: outgoing = 2; and no source_id.
    const fake = await fakeServer((sent) => ({
      id: 5001,
      content: sent['content'],
      inbox_id: 3,
      conversation_id: 99,
      message_type: 2,
      content_type: 'text',
      status: 'sent',
      content_attributes: {},
      created_at: 1764096000,
      private: true,
      conversation: { id: 1 },
    }));
    const run = await runContract({
      DIGITAL99_BASE_URL: fake.url,
      DIGITAL99_API_ACCESS_TOKEN: TOKEN,
      DIGITAL99_ACCOUNT_ID: '7',
      DIGITAL99_CONVERSATION_ID: '99',
    }).finally(() => close(fake.server));

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expectOneNote(fake.received);
    expect(run.stdout).toContain('Server answered 200.');
    expect(run.stdout).toContain("DIFF  response.body: Response body must have required property 'source_id'");
    expect(run.stdout).toMatch(
      /DIFF {2}message_type: the server answered 2 for an outgoing message\. It numbers message types like the 99digital reference's table \(1 incoming, 2 outgoing, 3 activity, 4 template\), not like Chatwoot's enum that openapi\.yaml follows/,
    );
    expect(run.stdout).toContain('2 differences between the server and openapi.yaml');
    expect(run.stdout).toContain('does not describe (allowed, not a difference): conversation');
    expectNoToken(run);
  });

  it('finds no differences (exit 0) when the server answers as the spec says', async () => {
    const example = deref({ $ref: '#/components/examples/PrivateNoteResponse' }).value as Json;
    const fake = await fakeServer((sent) => ({ ...example, content: sent['content'] }));
    const run = await runContract({
      DIGITAL99_BASE_URL: fake.url,
      DIGITAL99_API_ACCESS_TOKEN: TOKEN,
      DIGITAL99_ACCOUNT_ID: '7',
      DIGITAL99_CONVERSATION_ID: '99',
    }).finally(() => close(fake.server));

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectOneNote(fake.received);
    expect(example['message_type']).toBe(1);
    expect(run.stdout).toContain(
      "ok    message_type: 1 for an outgoing message, the server's numbering (0 incoming, 1 outgoing, 2 activity, 3 template)",
    );
    expect(run.stdout).toContain('No differences between the server and openapi.yaml.');
    expect(run.stdout).not.toContain('DIFF');
    expectNoToken(run);
  });
});
