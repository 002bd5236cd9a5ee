// send-batch's resume reconciles (issue 22): a run killed with lines in flight, the server having
// saved some of them, is resumed without --resend-unknown and every line reaches the conversation
// exactly once. Real processes against the Prism mock (which keeps the messages it saved, and can
// save a message and never answer, or never process the request). The run that is killed and its
// resume are processes of the built bin; --no-reconcile's runs go through the CLI's run() in this
// process (run-cli-in-process.ts: the same code, without a node process per run).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';
import { checkBuilt, cleanEnv, cliPath, root, type CliResult } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

const token = 'userTestToken1234567';
let dir: string;
let mock: SharedPrismMock;
beforeAll(async () => {
  checkBuilt();
  dir = mkdtempSync(join(tmpdir(), '99digital-reconcile-'));
  mock = await startMockOnSharedPrism();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await mock?.close();
});

/** `99digital send-batch ...` as a process of the built bin. */
function start(args: readonly string[]) {
  const child = spawn(process.execPath, [cliPath, 'send-batch', ...args], {
    cwd: root,
    env: cleanEnv({ DIGITAL99_API_ACCESS_TOKEN: token, DIGITAL99_BASE_URL: mock.url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

/** `99digital send-batch ...` through run(), in this process. */
const sendBatch = (args: readonly string[]) =>
  runCliInProcess(['send-batch', ...args], { env: { DIGITAL99_API_ACCESS_TOKEN: token, DIGITAL99_BASE_URL: mock.url } });

const client = () => createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false });

/** The contents in the conversations, as the server lists them. */
async function contents(conversations: number[]): Promise<string[]> {
  const all: string[] = [];
  for (const conversation_id of conversations) {
    for await (const m of client().messages.listAll({ account_id: 1, conversation_id })) all.push(m.content ?? '');
  }
  return all.sort();
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
}

function rows(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { line: number; status: string; reconciled?: boolean })
    .sort((a, b) => a.line - b.line);
}

describe('send-batch: resume reconciles unknown lines', () => {
  it('killed with 4 lines in flight, 2 saved by the server → the resume sends each line exactly once', async () => {
    const conversations = [801, 802, 803, 804];
    const file = join(dir, 'killed.jsonl');
    const lines = [...conversations.map((c, i) => ({ conversation_id: c, content: `R${i + 1}` })), { conversation_id: 801, content: 'R5' }];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    // Whichever lines come first: two are saved and never answered, two are never processed.
    const never = 600_000;
    mock.enqueue({ afterProcessing: { delayMs: never } }, { afterProcessing: { delayMs: never } }, { delayMs: never }, { delayMs: never });
    const args = [file, '--account', '1', '--per-minute', '0', '--concurrency', '4', '--json'];
    const killed = start(args);
    // The 4 posts first, and only then listings: a listing sent earlier would take one of the queued
    // answers, and would count in mock.requests (every request does).
    await until(() => mock.requests.length === 4);
    await until(async () => (await contents(conversations)).length === 2);
    killed.child.kill('SIGKILL');
    await killed.done;
    const saved = await contents(conversations);
    mock.reset();

    const resumed = await start([...args, '--settle-ms', '300']).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    // Every line once in the conversations; the resume posted only what was not there.
    expect(await contents(conversations)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    const posted = mock.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { content: string }).content);
    expect(posted.sort()).toEqual(['R1', 'R2', 'R3', 'R4', 'R5'].filter((c) => !saved.includes(c)));
    const byLine = rows(resumed.stdout);
    for (const row of byLine.slice(0, 4)) {
      const wasSaved = saved.includes(`R${row.line}`);
      expect(row).toMatchObject({ status: wasSaved ? 'already_sent' : 'sent', reconciled: true });
    }
    expect(byLine[4]).toMatchObject({ line: 5, status: 'sent' });
    expect(resumed.stderr).toMatch(/looking for 4 line\(s\) with an unknown outcome/);
  }, 60_000);

  it('--no-reconcile leaves unknown lines unknown (not sent, exit 5)', async () => {
    const file = join(dir, 'no-reconcile.jsonl');
    writeFileSync(file, `${JSON.stringify({ conversation_id: 811, content: 'S1' })}\n`);
    // Sent once, then a journal that says it was in flight (its record, state "sending").
    const first = await sendBatch([file, '--account', '1', '--per-minute', '0', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const journal = join(dir, 'no-reconcile.journal.jsonl');
    const sentRecord = JSON.parse(readFileSync(`${file}.journal.jsonl`, 'utf8').trim().split('\n')[0]!) as Record<string, unknown>;
    writeFileSync(journal, `${JSON.stringify({ ...sentRecord, state: 'sending' })}\n`);
    mock.reset();
    const result = await sendBatch([file, '--account', '1', '--per-minute', '0', '--json', '--journal', journal, '--no-reconcile']);
    expect(result.code).toBe(5);
    expect(rows(result.stdout)).toEqual([expect.objectContaining({ line: 1, status: 'unknown' })]);
    expect(mock.requests).toEqual([]);
  });
});
