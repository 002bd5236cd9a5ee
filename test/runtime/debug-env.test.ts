// DIGITAL99_DEBUG=1 turns on the allowlisted debug lines (stderr) without code changes, in the
// library (console.error) and in the CLI; the token is in none of them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/index.js';
import { checkBuilt, cliPath, runNode, secretToken } from '../cli/run-cli.js';
import { reply, startServer, type LoopbackServer } from '../reliability/loopback-server.js';

const message = JSON.stringify({ id: 7, content: 'Hello', message_type: 1, created_at: 1764096000 });
let server: LoopbackServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

async function send(env: string | undefined, options: { debug?: (line: string) => void } = {}): Promise<string[]> {
  server ??= await startServer((_req, res) => reply(res, 200, message, { 'content-type': 'application/json', 'x-request-id': 'req-dbg' }));
  if (env !== undefined) vi.stubEnv('DIGITAL99_DEBUG', env);
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  const client = createClient({ apiAccessToken: secretToken, baseUrl: server.url, retry: false, ...options });
  await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
  return lines;
}

describe('DIGITAL99_DEBUG in the library', () => {
  for (const value of ['1', 'true', 'TRUE']) {
    it(`"${value}" writes a request and a response line to stderr, token redacted`, async () => {
      const lines = await send(value);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^99digital: debug: → POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/accounts\/1\/conversations\/42\/messages /);
      expect(lines[0]).toContain('api_access_token: [redacted]');
      expect(lines[1]).toMatch(/^99digital: debug: ← 200 POST .* x-request-id: req-dbg/);
      expect(lines.join('\n')).not.toContain(secretToken);
    });
  }

  for (const value of [undefined, '', '0', 'false', 'yes please']) {
    it(`${value === undefined ? 'unset' : `"${value}"`}: silent`, async () => {
      expect(await send(value)).toEqual([]);
    });
  }

  it('a debug option given in code wins over the environment', async () => {
    const mine: string[] = [];
    const stderr = await send('1', { debug: (line) => mine.push(line) });
    expect(stderr).toEqual([]);
    expect(mine).toHaveLength(2);
  });
});

describe('DIGITAL99_DEBUG in the CLI', () => {
  it('prints the same lines as --debug on stderr, with no token', async () => {
    checkBuilt();
    server = await startServer((_req, res) => reply(res, 200, message, { 'content-type': 'application/json' }));
    const env = { DIGITAL99_API_ACCESS_TOKEN: secretToken, DIGITAL99_BASE_URL: server.url };
    const viaEnv = await runNode([cliPath, 'send', '--account', '1', '--conversation', '42', 'Hello'], {
      env: { ...env, DIGITAL99_DEBUG: '1' },
    });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stderr).toMatch(
      /^99digital: debug: → POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/accounts\/1\/conversations\/42\/messages /m,
    );
    expect(viaEnv.stderr).toMatch(/^99digital: debug: ← 200 POST /m);
    expect(viaEnv.stderr + viaEnv.stdout).not.toContain(secretToken);
    const quiet = await runNode([cliPath, 'send', '--account', '1', '--conversation', '42', 'Hello'], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('debug:');
  });
});
