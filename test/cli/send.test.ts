// `99digital send` against a local server that records what it received. Most cases run the CLI's
// run() in this process (run-cli-in-process.ts: same parsing and output code as the bin); those
// marked `sendBin` run the built bin as a process: each exit code (0, 2, 3, 4), stdin, --debug's
// lines and the token redaction as the process prints them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  formDataOf,
  messageFor,
  neverReply,
  replyWithMessage,
  replyWithStatus,
  startRecordingServer,
  type RecordingServer,
  type Reply,
} from './recording-server.js';
import { checkBuilt, runCli, secretToken, type CliResult } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

const messagesPath = '/api/v1/accounts/1/conversations/42/messages';
const ids = ['--account', '1', '--conversation', '42'];

let server: RecordingServer | undefined;
let files: string;

beforeAll(() => {
  checkBuilt();
  files = mkdtempSync(join(tmpdir(), '99digital-cli-'));
});
afterAll(() => rmSync(files, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: Reply = replyWithMessage): Promise<RecordingServer> {
  server = await startRecordingServer(reply);
  return server;
}

function sendEnv(env: Record<string, string> | undefined): Record<string, string> {
  return { DIGITAL99_API_ACCESS_TOKEN: secretToken, ...(server ? { DIGITAL99_BASE_URL: server.url } : {}), ...env };
}

/** `99digital send ...` through run(), in this process. */
function send(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return runCliInProcess(['send', ...args], { env: sendEnv(options.env) });
}

/** `99digital send ...` as a process of the built bin. */
function sendBin(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return runCli(['send', ...args], {
    env: sendEnv(options.env),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

function expectNoToken(result: CliResult): void {
  expect(result.stdout).not.toContain(secretToken);
  expect(result.stderr).not.toContain(secretToken);
}

/** A failure: the exit code, and exactly one line on stderr that starts with "99digital: ". */
function expectFailure(result: CliResult, code: number): string {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^99digital: [^\n]+\n$/);
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m); // no stack trace
  expectNoToken(result);
  return result.stderr;
}

function jsonBody(index = 0): unknown {
  const request = server?.requests[index];
  if (!request) throw new Error(`no request #${index + 1} was received`);
  return JSON.parse(request.body.toString('utf8'));
}

describe('99digital send: what is sent and printed', () => {
  it('posts a text message with the token from the environment and prints a summary', async () => {
    const { requests } = await serve();
    const result = await sendBin([...ids, 'Hello']);

    expect(result.code, result.stderr).toBe(0);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(messagesPath);
    expect(request?.headers['api_access_token']).toBe(secretToken);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(jsonBody()).toEqual({ content: 'Hello' });
    expect(result.stdout).toBe(
      [
        'Message 5150 created in conversation 42',
        '  type     outgoing (1), text',
        '  status   sent',
        '  created  2025-11-25T18:40:00.000Z',
        '  content  Hello',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expectNoToken(result);
  });

  it('--json prints the created message as JSON; --type and --echo-id are sent', async () => {
    const { requests } = await serve();
    const result = await send([...ids, '--type', 'incoming', '--echo-id', 'order-77', '--json', 'Hi there']);

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: 'Hi there', message_type: 'incoming', echo_id: 'order-77' });
    expect(JSON.parse(result.stdout)).toEqual(messageFor(requests[0]!));
    expect(result.stderr).toBe('');
  });

  it('--private sends a private note', async () => {
    await serve();
    const result = await send([...ids, '--private', 'Called the customer back']);

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: 'Called the customer back', private: true });
    expect(result.stdout).toContain('  type     outgoing (1), text, private note\n');
  });

  it('--content-type cards with --attributes JSON sends the cards', async () => {
    await serve();
    const attributes = {
      items: [{ title: 'Basic', actions: [{ type: 'link', text: 'See pricing', uri: 'https://example.com/pricing' }] }],
    };
    const result = await send([...ids, '--content-type', 'cards', '--attributes', JSON.stringify(attributes), 'Our plans']);

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: 'Our plans', content_type: 'cards', content_attributes: attributes });
    expect(result.stdout).toContain('  type     outgoing (1), cards\n');
  });

  it('--attributes @file reads the JSON from a file', async () => {
    await serve();
    const attributes = {
      items: [
        { title: 'Sales', value: 'sales' },
        { title: 'Support', value: 'support' },
      ],
    };
    const path = join(files, 'items.json');
    writeFileSync(path, JSON.stringify(attributes));
    const result = await send([...ids, '--content-type', 'input_select', '--attributes', `@${path}`, 'Which team?']);

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: 'Which team?', content_type: 'input_select', content_attributes: attributes });
  });

  it('--attach (twice) sends multipart/form-data with one attachments[] part per file', async () => {
    const { requests } = await serve();
    const text = join(files, 'notes.txt');
    const image = join(files, 'photo.png');
    writeFileSync(text, 'call back at 10');
    writeFileSync(image, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]));
    const result = await send([...ids, '--private', '--attach', text, '--attach', image, 'Two files']);

    expect(result.code, result.stderr).toBe(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(requests[0]?.headers['api_access_token']).toBe(secretToken);
    const form = await formDataOf(requests[0]!);
    expect(form.get('content')).toBe('Two files');
    expect(form.get('private')).toBe('true');
    const parts = form.getAll('attachments[]') as File[];
    expect(parts.map((part) => [part.name, part.type])).toEqual([
      ['notes.txt', 'text/plain'],
      ['photo.png', 'image/png'],
    ]);
    expect(await parts[0]!.text()).toBe('call back at 10');
    expect([...new Uint8Array(await parts[1]!.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
  });

  it('"-" reads the text from stdin, without the final newline', async () => {
    await serve();
    const result = await sendBin([...ids, '-'], { input: 'Line one\nline two\n' });

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: 'Line one\nline two' });
    expect(result.stdout).toContain('  content  Line one line two\n');
  });

  it('a text that starts with "-" is sent after --', async () => {
    await serve();
    const result = await send([...ids, '--', '-5 degrees outside']);

    expect(result.code, result.stderr).toBe(0);
    expect(jsonBody()).toEqual({ content: '-5 degrees outside' });
  });

  it('--base-url takes precedence over DIGITAL99_BASE_URL', async () => {
    const { url, requests } = await serve();
    const unused = await closedPort();
    const result = await send([...ids, '--base-url', url, 'Hello'], { env: { DIGITAL99_BASE_URL: `http://127.0.0.1:${unused}` } });

    expect(result.code, result.stderr).toBe(0);
    expect(requests).toHaveLength(1);
  });

  it('--debug prints request and response lines with the token redacted', async () => {
    await serve();
    const result = await sendBin([...ids, '--debug', 'Hello']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`99digital: debug: → POST ${server?.url}${messagesPath}`);
    expect(result.stderr).toContain('api_access_token: [redacted]');
    expect(result.stderr).toContain('99digital: debug: ← 200 POST');
    expectNoToken(result);
  });

  it('never prints the token, even when the server echoes it back', async () => {
    await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ...messageFor(request), content: `your token is ${secretToken}` }));
    });
    const [human, json] = await Promise.all([sendBin([...ids, 'Hello']), sendBin([...ids, '--json', 'Hello'])]);

    expect(human.code).toBe(0);
    expect(human.stdout).toContain('your token is [redacted]');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).content).toBe('your token is [redacted]');
    expectNoToken(human);
    expectNoToken(json);
  });
});

describe('99digital send: usage errors exit 2 and send nothing', () => {
  const badRuns: [string, string[], RegExp][] = [
    ['no --account', ['--conversation', '42', 'Hi'], /missing --account <id>/],
    ['a non-numeric --account', ['--account', 'abc', '--conversation', '42', 'Hi'], /--account must be a positive whole number, got "abc"/],
    ['--account without a value', ['--conversation', '42', 'Hi', '--account'], /--account <value>' argument missing/],
    ['a mistyped option', [...ids, '--privat', 'Hi'], /unknown option '--privat'; did you mean --private\?/],
    ['a --token flag (the token is read from the environment only)', [...ids, '--token', 'abc', 'Hi'], /unknown option '--token'/],
    ['no text', [...ids], /missing the message text/],
    ['unquoted words', [...ids, 'Hello', 'world'], /quote the text, e.g. "Hello world"/],
    [
      'an unknown --type',
      [...ids, '--type', 'outgoin', 'Hi'],
      /--type must be one of incoming, outgoing, activity, template; got "outgoin"/,
    ],
    [
      'an unknown --content-type',
      [...ids, '--content-type', 'buttons', 'Hi'],
      /--content-type must be one of text, input_select, cards, form/,
    ],
    [
      '--attributes that are not JSON',
      [...ids, '--content-type', 'cards', '--attributes', '{items:', 'Hi'],
      /--attributes: its value is not valid JSON/,
    ],
    [
      '--attributes @ a missing file',
      [...ids, '--attributes', '@/nonexistent/items.json', 'Hi'],
      /--attributes: cannot read \/nonexistent\/items.json \(ENOENT\)/,
    ],
    [
      'cards without --attributes',
      [...ids, '--content-type', 'cards', 'Hi'],
      /--content-type cards needs --attributes <json\|@file>: the message's content_attributes/,
    ],
    [
      'cards with empty items',
      [...ids, '--content-type', 'cards', '--attributes', '{"items":[]}', 'Hi'],
      /invalid --attributes: content_attributes.items: must be a non-empty array/,
    ],
    [
      '--attach a missing file',
      [...ids, '--attach', '/nonexistent/file.pdf', 'Hi'],
      /--attach \/nonexistent\/file.pdf: cannot read the file \(ENOENT\)/,
    ],
    [
      '16 attachments',
      [...ids, ...Array.from({ length: 16 }, () => ['--attach', 'package.json']).flat(), 'Hi'],
      /at most 15 files per message, got 16/,
    ],
    ['--timeout 0', [...ids, '--timeout', '0', 'Hi'], /--timeout is a number of seconds greater than 0/],
    [
      '--mock with --base-url',
      [...ids, '--mock', '--base-url', 'http://127.0.0.1:1', 'Hi'],
      /--mock and --base-url cannot be used together/,
    ],
    ['plain http to another host', [...ids, '--base-url', 'http://example.com', 'Hi'], /uses plain http to example.com/],
  ];

  it.each(badRuns)('%s', async (_name, args, expected) => {
    const { requests } = await serve();
    const stderr = expectFailure(await send(args), 2);
    expect(stderr).toMatch(expected);
    expect(requests).toHaveLength(0);
  });

  it('no token and no --mock: says to set DIGITAL99_API_ACCESS_TOKEN or use --mock', async () => {
    const { requests } = await serve();
    const stderr = expectFailure(await sendBin([...ids, 'Hi'], { env: { DIGITAL99_API_ACCESS_TOKEN: '' } }), 2);
    expect(stderr).toContain('set DIGITAL99_API_ACCESS_TOKEN');
    expect(stderr).toContain('--mock');
    expect(requests).toHaveLength(0);
  });

  it('a token too short to be real is refused before sending, and is redacted however short', async () => {
    const { requests } = await serve();
    const short = 'Zq9x7';
    const refused = expectFailure(await send([...ids, 'Hi'], { env: { DIGITAL99_API_ACCESS_TOKEN: short } }), 2);
    expect(refused).toMatch(/DIGITAL99_API_ACCESS_TOKEN\) is 5 characters long; API access tokens are 16 to 256 letters and digits/);
    // Whatever quotes it (here a file name, reported before the token is checked) shows it redacted.
    const quoted = await send([...ids, '--attach', `missing-${short}.txt`, 'Hi'], { env: { DIGITAL99_API_ACCESS_TOKEN: short } });
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toContain('--attach missing-[redacted].txt: cannot read the file (ENOENT)');
    expect(quoted.stderr).not.toContain(short);
    expect(requests).toHaveLength(0);
  });

  it('a token with a character real tokens do not have is refused, naming the character only', async () => {
    const { requests } = await serve();
    const stderr = expectFailure(
      await send([...ids, 'Hi'], { env: { DIGITAL99_API_ACCESS_TOKEN: `${secretToken.slice(0, 10)}-${secretToken.slice(10)}` } }),
      2,
    );
    expect(stderr).toContain('contains "-" at position 11');
    for (let i = 0; i + 8 <= secretToken.length; i++) expect(stderr).not.toContain(secretToken.slice(i, i + 8));
    expect(requests).toHaveLength(0);
  });

  it('--attributes @file that holds the token in JSON that does not parse: no piece of it is quoted', async () => {
    const { requests } = await serve();
    for (const [name, text] of [
      ['bare.json', `{"items": [${secretToken}]}`],
      ['unclosed.json', `{"items": "${secretToken}"`],
      ['only-token.json', secretToken],
    ] as const) {
      writeFileSync(join(files, name), text);
      const result = await send([...ids, '--content-type', 'input_select', '--attributes', `@${join(files, name)}`, 'Pick'], {
        env: { DIGITAL99_API_ACCESS_TOKEN: 'anotherToken0123456789' },
      });
      const stderr = expectFailure(result, 2);
      expect(stderr).toMatch(/--attributes: .* is not valid JSON/);
      for (let i = 0; i + 8 <= secretToken.length; i++) expect(stderr, name).not.toContain(secretToken.slice(i, i + 8));
    }
    expect(requests).toHaveLength(0);
  });

  it('a token that ends with a newline is refused, without printing it', async () => {
    const { requests } = await serve();
    const stderr = expectFailure(await send([...ids, 'Hi'], { env: { DIGITAL99_API_ACCESS_TOKEN: `${secretToken}\n` } }), 2);
    expect(stderr).toContain('DIGITAL99_API_ACCESS_TOKEN) contains a line break');
    expect(requests).toHaveLength(0);
  });
});

describe('99digital send: API errors exit 3', () => {
  const answers: [number, unknown, RegExp][] = [
    [
      401,
      { error: `Invalid Access Token ${secretToken}` },
      /failed with 401 Unauthorized: Invalid Access Token \[redacted\]\. Check the API access token/,
    ],
    [
      404,
      { error: 'Resource could not be found' },
      /failed with 404 Not Found: Resource could not be found\. Check account_id and conversation_id/,
    ],
    [
      422,
      { error: 'Validation failed: Content is too long' },
      /failed with 422 Unprocessable Entity: Validation failed: Content is too long\./,
    ],
  ];

  it.each(answers)('%i: one line with the status, not delivered, sent once', async (status, body, expected) => {
    const { requests } = await serve(replyWithStatus(status, body));
    const stderr = expectFailure(await send([...ids, 'Hello']), 3);
    expect(stderr).toMatch(expected);
    expect(stderr).toContain('[not delivered]');
    expect(requests).toHaveLength(1);
  });

  it('500: may have been delivered, and is not retried', async () => {
    const { requests } = await serve(replyWithStatus(500, { error: 'boom' }));
    const stderr = expectFailure(await sendBin([...ids, 'Hello']), 3);
    expect(stderr).toContain('failed with 500');
    expect(stderr).toContain('[may have been delivered]');
    expect(requests).toHaveLength(1);
  });
});

describe('99digital send: no usable answer exits 4 and says whether it was delivered', () => {
  it('connection refused: not delivered', async () => {
    const port = await closedPort();
    const stderr = expectFailure(await sendBin([...ids, 'Hello'], { env: { DIGITAL99_BASE_URL: `http://127.0.0.1:${port}` } }), 4);
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).toContain('[not delivered]');
  });

  it('timeout: may have been delivered, and is not retried', async () => {
    const { requests } = await serve(neverReply);
    const stderr = expectFailure(await send([...ids, '--timeout', '0.3', 'Hello']), 4);
    expect(stderr).toContain('timed out after 300 ms');
    expect(stderr).toContain('[may have been delivered]');
    expect(requests).toHaveLength(1);
  });

  it('a 200 that is not a message: may have been delivered', async () => {
    const { requests } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>login</html>');
    });
    const stderr = expectFailure(await send([...ids, 'Hello']), 4);
    expect(stderr).toContain('not JSON');
    expect(stderr).toContain('[may have been delivered]');
    expect(requests).toHaveLength(1);
  });
});
