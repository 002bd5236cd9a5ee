// What a newcomer trips on with the CLI (issue 23): the messages for common mistakes, each against a
// real loopback server (asserting what it received) or a real mock process. Most run the command
// in-process (run-cli-in-process.ts: the bin's own parsing and output code); an unknown option and
// Ctrl-C run the built bin as a process. The bin after a rebuild, run as the README runs it (`npx
// 99digital --help` through the shell), is tested in test/readme/readme.test.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingServer, replyWithStatus, startRecordingServer } from './recording-server.js';
import { runCliInProcess } from './run-cli-in-process.js';
import { checkBuilt, cleanEnv, cliPath, processesWithMarker, root, runCli, secretToken } from './run-cli.js';

let server: RecordingServer | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), '99digital-newcomer-'));
  checkBuilt();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(...args: Parameters<typeof startRecordingServer>): Promise<RecordingServer> {
  server = await startRecordingServer(...args);
  return server;
}

const ids = ['--account', '1', '--conversation', '42'];
const env = (url: string, more: Record<string, string> = {}) => ({
  env: { DIGITAL99_API_ACCESS_TOKEN: secretToken, DIGITAL99_BASE_URL: url, ...more },
});

describe('CLI messages for common mistakes', () => {
  it('--content-type cards without --attributes says that it needs --attributes, before any request', async () => {
    const { url, requests } = await serve();
    const result = await runCliInProcess(['send', ...ids, '--content-type', 'cards', ''], env(url));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "99digital: --content-type cards needs --attributes <json|@file>: the message's content_attributes (the items of cards). See '99digital send --help'.\n",
    );
    expect(requests).toEqual([]);
  });

  it('--token says the token comes from DIGITAL99_API_ACCESS_TOKEN, for both commands', async () => {
    for (const command of ['send', 'send-batch']) {
      const result = await runCliInProcess([command, '--token', 'abc']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "unknown option '--token': the token comes from the environment variable DIGITAL99_API_ACCESS_TOKEN only.",
      );
    }
  });

  it('no token: both commands say where it comes from and offer --mock, in the same words, before any request', async () => {
    server = await serve();
    const file = join(dir, 'no-token.jsonl');
    writeFileSync(file, '{"conversation_id": 42, "content": "hi"}\n');
    const message =
      'no API access token: set DIGITAL99_API_ACCESS_TOKEN (find the token on your 99digital profile page), or add --mock to try the command against the built-in mock server.';
    const sent = await runCliInProcess(['send', ...ids, 'hi'], { env: { DIGITAL99_BASE_URL: server.url } });
    const batch = await runCliInProcess(['send-batch', file, '--account', '1'], { env: { DIGITAL99_BASE_URL: server.url } });
    for (const result of [sent, batch]) {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
    }
    expect(server.requests).toEqual([]);
  });

  it('an unknown option ends its sentence', async () => {
    const result = await runCli(['send-batch', 'x.jsonl', '--frobnicate']);
    expect(result.stderr).toBe("99digital: unknown option '--frobnicate'. See '99digital send-batch --help'.\n");
  });

  it('a 401 advises --auth-header, which the CLI has (not createClient), and --auth-header sends the token in that header', async () => {
    const { url, requests } = await serve(replyWithStatus(401, { error: 'Invalid Access Token' }));
    const result = await runCliInProcess(['send', ...ids, '--no-retry', 'Hello'], env(url));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('may drop the underscored header api_access_token: add --auth-header Api-Access-Token.');
    expect(result.stderr).not.toContain('createClient');

    await runCliInProcess(['send', ...ids, '--no-retry', '--auth-header', 'Api-Access-Token', 'Hello'], env(url));
    expect(requests).toHaveLength(2);
    expect(requests[0]?.headers.api_access_token).toBe(secretToken);
    expect(requests[1]?.headers['api-access-token']).toBe(secretToken);
    expect(requests[1]?.headers.api_access_token).toBeUndefined();
  });

  it('send-batch --debug (and DIGITAL99_DEBUG=1) prints the requests: the token redacted, ordinary headers shown', async () => {
    const { url, requests } = await serve();
    const file = join(dir, 'debug.jsonl');
    writeFileSync(file, '{"conversation_id": 7, "content": "Hi"}\n');
    const flag = await runCliInProcess(['send-batch', file, '--account', '1', '--debug', '--journal', join(dir, 'j1.jsonl')], env(url));
    const variable = await runCliInProcess(
      ['send-batch', file, '--account', '1', '--journal', join(dir, 'j2.jsonl')],
      env(url, { DIGITAL99_DEBUG: '1' }),
    );
    for (const result of [flag, variable]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`99digital: debug: → POST ${url}/api/v1/accounts/1/conversations/7/messages`);
      expect(result.stderr).toContain('api_access_token: [redacted]');
      expect(result.stderr).toMatch(/99digital: debug: ← 200 POST .*connection: keep-alive/);
      expect(result.stderr).not.toContain(secretToken);
    }
    expect(requests).toHaveLength(2);
  });

  it('Ctrl-C while --mock starts stops quietly: exit 130, "nothing was sent", no Prism log, no process left', async () => {
    const marker = `DIGITAL99_TEST_MARKER=${process.pid}-${Date.now()}`;
    const [name, value] = marker.split('=') as [string, string];
    // Its own process group, as a shell runs a command: Ctrl-C reaches the CLI and Prism alike.
    const child = spawn(process.execPath, [cliPath, 'send', '--mock', ...ids, 'Hello'], {
      cwd: root,
      env: cleanEnv({ [name]: value }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // Prism is running (a second process with the marker) and has not answered yet.
    while (processesWithMarker(marker).length < 2) await new Promise((r) => setTimeout(r, 20));
    process.kill(-child.pid!, 'SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toBe('99digital: interrupted (Ctrl-C). The mock server was still starting; nothing was sent. [not delivered]\n');
    expect(processesWithMarker(marker)).toEqual([]);
  });
});
