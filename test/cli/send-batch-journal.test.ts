// send-batch's journal under hostile use, as real processes against loopback servers that record
// what they received: two runs at once (the lock), a lock left by a killed run, the same file sent
// to another account or server, unknown lines holding back their conversation, bytes that are not
// UTF-8, a journal that is the messages file, a journal with a huge line number, --json on a resume.
// What needs a process (the lock held by a running or killed one, the peak memory) runs the built
// bin; the rest run the CLI's run() in this process (run-cli-in-process.ts: the same parsing, lock,
// journal and output code, without a node process per run).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lineHash } from '../../src/cli/batch-lines.js';
import { destinationOf, JournalState } from '../../src/cli/journal.js';
import { progressLine } from '../../src/cli/progress.js';
import { type RecordedRequest, type RecordingServer, replyWithMessage, startRecordingServer } from './recording-server.js';
import { checkBuilt, cleanEnv, cliPath, root, secretToken, type CliResult } from './run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';

let dir: string;
const servers: RecordingServer[] = [];
beforeAll(() => {
  checkBuilt();
  dir = mkdtempSync(join(tmpdir(), '99digital-journal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server whose answers wait while `held` is true; `open()` answers them and the rest at once. */
async function serve(held = false) {
  const waiting: Array<[RecordedRequest, ServerResponse]> = [];
  const gate = { held };
  const server = await startRecordingServer((request, response) => {
    if (gate.held) waiting.push([request, response]);
    else replyWithMessage(request, response);
  });
  servers.push(server);
  const open = () => {
    gate.held = false;
    for (const [request, response] of waiting.splice(0)) replyWithMessage(request, response);
  };
  return { server, open };
}

/** The contents the server received, in order, with the account of each. */
function received(server: RecordingServer): Array<{ account: number; conversation: number; content: string }> {
  return server.requests.map((r) => ({
    account: Number(/accounts\/(\d+)\//.exec(r.url)?.[1]),
    conversation: Number(/conversations\/(\d+)\//.exec(r.url)?.[1]),
    content: (JSON.parse(r.body.toString('utf8')) as { content: string }).content,
  }));
}

let files = 0;
function batchFile(count: number, conversations: number): string {
  const path = join(dir, `batch-${++files}.jsonl`);
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ conversation_id: 1 + (i % conversations), content: `L${i + 1}` }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `99digital send-batch ...` as a process of the built bin. */
function start(args: readonly string[], url: string) {
  const child = spawn(process.execPath, [cliPath, 'send-batch', ...args], {
    cwd: root,
    env: cleanEnv({ DIGITAL99_API_ACCESS_TOKEN: secretToken, DIGITAL99_BASE_URL: url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

const sendBatchBin = (args: readonly string[], url: string) => start(args, url).done;

/** `99digital send-batch ...` through run(), in this process. */
const sendBatch = (args: readonly string[], url: string) =>
  runCliInProcess(['send-batch', ...args], { env: { DIGITAL99_API_ACCESS_TOKEN: secretToken, DIGITAL99_BASE_URL: url } });

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

function rows(stdout: string): Array<{ line: number; status: string; message_id?: number }> {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { line: number; status: string })
    .sort((a, b) => a.line - b.line);
}

/** A pid that ran and has exited: what a run killed with SIGKILL leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('send-batch: one run per journal', () => {
  it('a second run while the first is sending refuses at once (exit 6) and each line reaches the server once', async () => {
    const { server, open } = await serve(true);
    const file = batchFile(5, 5);
    const args = [file, '--account', '1', '--per-minute', '0', '--concurrency', '1'];
    const first = start(args, server.url);
    // The first run holds the lock and has a request in flight (held by the server).
    await until(() => server.requests.length === 1);

    const second = await sendBatchBin(args, server.url);
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(/journal\.jsonl is in use by process \d+, which is sending this batch now: wait for it to finish/);
    expect(second.stdout).toBe('');
    expect(server.requests).toHaveLength(1);

    open();
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(received(server).map((r) => r.content)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
    expect(existsSync(`${file}.journal.jsonl.lock`)).toBe(false);
  });

  it('a lock left by a run that no longer exists is taken over', async () => {
    const { server } = await serve();
    const file = batchFile(3, 3);
    writeFileSync(`${file}.journal.jsonl.lock`, `${await deadPid()} ${hostname()}\n`);
    const result = await sendBatch([file, '--account', '1', '--per-minute', '0'], server.url);
    expect(result.code, result.stderr).toBe(0);
    expect(received(server).map((r) => r.content)).toEqual(['L1', 'L2', 'L3']);
    expect(existsSync(`${file}.journal.jsonl.lock`)).toBe(false);
  });

  it('a run killed with SIGKILL does not keep the next one out', async () => {
    const { server, open } = await serve(true);
    const file = batchFile(4, 4);
    // --no-reconcile: this server answers no listing (send-batch-reconcile.test.ts resumes with one).
    const args = [file, '--account', '1', '--per-minute', '0', '--concurrency', '1', '--json', '--no-reconcile'];
    const killed = start(args, server.url);
    await until(() => server.requests.length === 1);
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(existsSync(`${file}.journal.jsonl.lock`)).toBe(true);
    open();

    const next = await sendBatchBin(args, server.url);
    // Line 1 was in flight when the run died: unknown, not sent again; the others are sent.
    expect(next.code).toBe(5);
    expect(rows(next.stdout).map((r) => [r.line, r.status])).toEqual([
      [1, 'unknown'],
      [2, 'sent'],
      [3, 'sent'],
      [4, 'sent'],
    ]);
    expect(received(server).map((r) => r.content)).toEqual(['L1', 'L2', 'L3', 'L4']);
  });
});

describe("send-batch: a line's identity", () => {
  it('includes the account and the server: the same file sent to account 2, then to another server, is sent there in full', async () => {
    const { server } = await serve();
    const file = batchFile(3, 2);
    const args = [file, '--per-minute', '0'];
    expect((await sendBatch([...args, '--account', '1'], server.url)).code).toBe(0);
    const again = await sendBatch([...args, '--account', '2', '--json'], server.url);
    expect(again.code, again.stderr).toBe(0);
    expect(rows(again.stdout).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(received(server).map((r) => `${r.account}:${r.content}`)).toEqual(['1:L1', '1:L2', '1:L3', '2:L1', '2:L2', '2:L3']);

    const { server: other } = await serve();
    const elsewhere = await sendBatch([...args, '--account', '1', '--base-url', other.url], server.url);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(received(other).map((r) => r.content)).toEqual(['L1', 'L2', 'L3']);
    // And the first server, asked again for account 1, gets nothing more.
    const resumed = await sendBatch([...args, '--account', '1', '--json'], server.url);
    expect(rows(resumed.stdout).map((r) => r.status)).toEqual(['already_sent', 'already_sent', 'already_sent']);
    expect(server.requests).toHaveLength(6);
  });

  it('a resume where everything was sent before prints one already_sent row per line, with its message id', async () => {
    const { server } = await serve();
    const file = batchFile(4, 2);
    const args = [file, '--account', '1', '--per-minute', '0', '--json'];
    expect((await sendBatch(args, server.url)).code).toBe(0);
    const again = await sendBatch(args, server.url);
    expect(again.code, again.stderr).toBe(0);
    expect(rows(again.stdout)).toEqual([1, 2, 3, 4].map((line) => ({ line, key: null, status: 'already_sent', message_id: 5150 })));
    expect(again.stderr).toMatch(/nothing to send\. .*0 sent, 4 already sent/);
    expect(server.requests).toHaveLength(4);
  });
});

describe('send-batch: unknown lines on resume', () => {
  /** A journal saying line 1 (conversation 1) was in flight when its run died. */
  function inFlight(file: string, url: string): void {
    const text = readFileSync(file, 'utf8').split('\n')[0]!;
    const record = { line: 1, to: destinationOf(new URL(url).origin, 1), hash: lineHash(text), state: 'sending' };
    writeFileSync(`${file}.journal.jsonl`, `${JSON.stringify(record)}\n`);
  }

  it('hold back the later lines of their conversation; --resend-unknown sends them all, in order', async () => {
    const { server } = await serve();
    const file = batchFile(6, 2); // conversation 1: lines 1, 3, 5; conversation 2: lines 2, 4, 6
    inFlight(file, server.url);
    const args = [file, '--account', '1', '--per-minute', '0', '--json', '--no-reconcile'];

    const held = await sendBatch(args, server.url);
    expect(held.code).toBe(5);
    expect(rows(held.stdout).map((r) => [r.line, r.status])).toEqual([
      [1, 'unknown'],
      [2, 'sent'],
      [3, 'held'],
      [4, 'sent'],
      [5, 'held'],
      [6, 'sent'],
    ]);
    expect(held.stderr).toMatch(/2 later line\(s\) of the same conversations are held back/);
    expect(received(server).filter((r) => r.conversation === 1)).toEqual([]);

    const resent = await sendBatch([...args, '--resend-unknown'], server.url);
    expect(resent.code, resent.stderr).toBe(0);
    expect(
      received(server)
        .filter((r) => r.conversation === 1)
        .map((r) => r.content),
    ).toEqual(['L1', 'L3', 'L5']);
    expect(server.requests).toHaveLength(6);
  });

  it('--continue-after-failure sends the later lines and leaves the unknown one alone', async () => {
    const { server } = await serve();
    const file = batchFile(4, 2);
    inFlight(file, server.url);
    const result = await sendBatch([file, '--account', '1', '--per-minute', '0', '--continue-after-failure', '--no-reconcile'], server.url);
    expect(result.code).toBe(5);
    expect(received(server).map((r) => r.content)).toEqual(['L2', 'L3', 'L4']);
  });
});

describe('send-batch: the file and the journal', () => {
  it('refuses bytes that are not UTF-8 with the line number, and sends nothing', async () => {
    const { server } = await serve();
    const file = join(dir, 'latin1.jsonl');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('{"conversation_id": 1, "content": "ok"}\n{"conversation_id": 1, "content": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    const result = await sendBatch([file, '--account', '1'], server.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('latin1.jsonl:2: not UTF-8 text: save the file as UTF-8.');
    expect(server.requests).toEqual([]);
  });

  it('skips a UTF-8 BOM at the start of the file', async () => {
    const { server } = await serve();
    const file = join(dir, 'bom.jsonl');
    writeFileSync(
      file,
      `\uFEFF{"conversation_id": 1, "content": "Shalom \u05e9\u05dc\u05d5\u05dd"}\r\n{"conversation_id": 1, "content": "two"}`,
    );
    const result = await sendBatch([file, '--account', '1', '--per-minute', '0'], server.url);
    expect(result.code, result.stderr).toBe(0);
    expect(received(server).map((r) => r.content)).toEqual(['Shalom \u05e9\u05dc\u05d5\u05dd', 'two']);
  });

  it('refuses a journal that is a symlink to the messages file, and leaves the file as it was', async () => {
    const { server } = await serve();
    const file = batchFile(2, 1);
    const before = readFileSync(file, 'utf8');
    const link = join(dir, 'journal-link.jsonl');
    symlinkSync(file, link);
    const result = await sendBatch([file, '--account', '1', '--journal', link], server.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is the messages file itself (a link to it)');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(server.requests).toEqual([]);
  });

  it('says so, and sends nothing, when the journal cannot be locked (its folder does not exist)', async () => {
    const { server } = await serve();
    const file = batchFile(2, 1);
    const result = await sendBatch([file, '--account', '1', '--journal', join(dir, 'no-such-folder', 'j.jsonl')], server.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^99digital: cannot create the journal's lock .*no-such-folder\/j\.jsonl\.lock \(ENOENT\); nothing was sent\./m,
    );
    expect(server.requests).toEqual([]);
  });

  it('keeps journal state in proportion to its records: one record for line 100,000,000 costs one entry', async () => {
    const state = new JournalState();
    state.apply({ line: 100_000_000, to: 'x', hash: '0123456789abcdef', state: 'sent', message_id: 7 });
    expect(state.size).toBe(1);
    expect(state.get('x', 100_000_000)).toEqual({ state: 'sent', hash: '0123456789abcdef', message_id: 7 });
    expect(state.get('y', 100_000_000)).toBeUndefined();

    // And the CLI, given such a journal, stays small (its peak RSS, read from /proc as it exits).
    const { server } = await serve();
    const file = batchFile(2, 1);
    writeFileSync(`${file}.journal.jsonl`, `${JSON.stringify({ line: 100_000_000, hash: '0123456789abcdef', state: 'sent' })}\n`);
    const peak =
      'import{readFileSync as r}from"node:fs";process.on("exit",()=>process.stderr.write("VmHWM:"+/VmHWM:\\s*(\\d+)/.exec(r("/proc/self/status","utf8"))[1]+"\\n"))';
    const child = spawn(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(peak)}`, cliPath, 'send-batch', file, '--account', '1'],
      {
        cwd: root,
        env: cleanEnv({ DIGITAL99_API_ACCESS_TOKEN: secretToken, DIGITAL99_BASE_URL: server.url }),
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise((r) => child.on('close', r));
    expect(code, stderr).toBe(0);
    const kb = Number(/VmHWM:(\d+)/.exec(stderr)?.[1]);
    expect(kb).toBeGreaterThan(0);
    expect(kb).toBeLessThan(200 * 1024);
  });
});

describe('send-batch progress', () => {
  it('counts the pacing in the ETA: at --per-minute 5, 15 lines left take 3 minutes however fast the first went', () => {
    const counts = { total: 20, sent: 5, failed: 0, skipped: 0 };
    expect(progressLine(counts, 1_000, undefined, { perMinute: 5 })).toBe('5/20 lines: 5 sent, 0 failed; 5.0/s, ETA 3m00s');
    // Without pacing (0), the rate so far.
    expect(progressLine(counts, 1_000, undefined, { perMinute: 0 })).toBe('5/20 lines: 5 sent, 0 failed; 5.0/s, ETA 3s');
    // Before the first answer: the pacing alone.
    expect(progressLine({ ...counts, sent: 0 }, 0, undefined, { perMinute: 5 })).toBe('0/20 lines: 0 sent, 0 failed; 0.0/s, ETA 4m00s');
  });
});
