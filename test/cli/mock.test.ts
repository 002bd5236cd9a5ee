// `99digital send --mock`: the embedded Prism mock is started, sent to, and stopped (real processes);
// and what a Prism of openapi.yaml accepts and answers for the CLI's options, sent in this process
// (run-cli-in-process.ts) to the run's shared Prism (test/setup/prism.ts) rather than to a Prism
// started per case (~2.5 s CPU each): --mock only changes where the same request goes.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createClient, type Message } from '../../src/index.js';
import { checkBuilt, processesWithMarker, runCli, secretToken, type CliResult } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

// Each --mock test starts Prism in a child process: on a loaded 2-core machine that alone can take
// longer than the default 20 s (vitest.config.ts), which is no failure of the behaviour tested.
vi.setConfig({ testTimeout: 60_000 });

const prismUrl = inject('prismUrl');
const token = 'cliMockTestToken12345';
const ids = ['--account', '1', '--conversation', '42'];
let files: string;

beforeAll(() => {
  checkBuilt();
  files = mkdtempSync(join(tmpdir(), '99digital-cli-mock-'));
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

/** Runs with a marker in the environment (Prism inherits it); `left` lists the processes left with it. */
async function sendToMock(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult & { left: number[] }> {
  const marker = `DIGITAL99_CLI_TEST_RUN=${randomUUID()}`;
  const [name = '', value = ''] = marker.split('=');
  const result = await runCli(['send', '--mock', ...args], { env: { [name]: value, ...env } });
  return { ...result, left: processesWithMarker(marker) };
}

// The two runs start a Prism each and wait on it: concurrently, so the waits overlap.
describe.concurrent('99digital send --mock', () => {
  it('needs no token, prints the summary of the mock answer and stops Prism', async ({ expect }) => {
    const result = await sendToMock([...ids, '--private', 'Called the customer back']);
    expect(result.left).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    // The mock answers with the message built from the request, as the server would.
    expect(result.stdout).toContain('Message 1 created in conversation 42\n');
    expect(result.stdout).toContain('  type     outgoing (1), text, private note\n');
    expect(result.stdout).toContain('  status   sent\n');
    expect(result.stdout).toContain('  content  Called the customer back\n');
    expect(result.stdout).toContain('built-in mock server');
  });

  it('an input error found after the mock started: exit 2, Prism stopped, the real token never printed', async ({ expect }) => {
    const result = await sendToMock([...ids, '--attributes', '{"in_reply_to":"x"}', 'Hi'], { DIGITAL99_API_ACCESS_TOKEN: secretToken });
    expect(result.left).toEqual([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^99digital: invalid --attributes: content_attributes.in_reply_to: must be a whole number/);
    expect(result.stdout + result.stderr).not.toContain(secretToken);
  });
});

describe('99digital send to the mock (Prism of openapi.yaml)', () => {
  /**
   * Sends to a conversation of its own on the shared Prism (other files send to 42 there, and its
   * message ids count across the run) and returns what the mock kept: the one message created.
   */
  async function sendToPrism(conversation: number, args: readonly string[]): Promise<{ result: CliResult; kept: Message }> {
    const result = await runCliInProcess(['send', '--account', '1', '--conversation', String(conversation), ...args], {
      env: { DIGITAL99_API_ACCESS_TOKEN: token, DIGITAL99_BASE_URL: prismUrl },
    });
    const client = createClient({ apiAccessToken: token, baseUrl: prismUrl, retry: false });
    const kept: Message[] = [];
    for await (const message of client.messages.listAll({ account_id: 1, conversation_id: conversation })) kept.push(message);
    expect(kept, 'messages the mock kept').toHaveLength(1);
    return { result, kept: kept[0]! };
  }

  it('--type template: the mock answers a template message (3), sent by the contact', async () => {
    const { result, kept } = await sendToPrism(4201, ['--type', 'template', 'Please rate the conversation']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Message ${kept.id} created in conversation 4201\n`);
    expect(result.stdout).toContain('  type     template (3), text\n');
    expect(result.stdout).toContain('  content  Please rate the conversation\n');
  });

  it('--template-params (a WhatsApp template, only name required): an outgoing message (1)', async () => {
    const { result, kept } = await sendToPrism(4202, ['--template-params', '{"name":"hello_world"}', 'Hello!']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Message ${kept.id} created in conversation 4202\n`);
    expect(result.stdout).toContain('  type     outgoing (1), text\n');
    expect(result.stdout).toContain('  content  Hello!\n');
  });

  it('--json with cards and --attributes from a file: the mock accepts the request', async () => {
    const path = join(files, 'cards.json');
    writeFileSync(
      path,
      JSON.stringify({ items: [{ title: 'Basic', actions: [{ type: 'postback', text: 'Choose', payload: 'PLAN_BASIC' }] }] }),
    );
    const { result, kept } = await sendToPrism(4203, ['--content-type', 'cards', '--attributes', `@${path}`, '--json', 'Our plans']);
    expect(result.code, result.stderr).toBe(0);
    const message = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(message).toMatchObject({
      id: kept.id,
      content: 'Our plans',
      content_type: 'cards',
      content_attributes: { items: [{ title: 'Basic', actions: [{ type: 'postback', text: 'Choose', payload: 'PLAN_BASIC' }] }] },
      conversation_id: 4203,
      message_type: 1,
      sender: { type: 'user' },
    });
  });

  it('with --attach: multipart is accepted by the mock', async () => {
    const path = join(files, 'invoice.pdf');
    writeFileSync(path, '%PDF-1.4 not really');
    const { result } = await sendToPrism(4204, ['--attach', path, 'Here is your invoice']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  files    1 attached\n');
    expect(result.stdout).toContain('  content  Here is your invoice\n');
  });
});
