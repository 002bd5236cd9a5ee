// Every code block in README.md is checked, so the README cannot rot: TypeScript blocks are
// type-checked against the built package (as users import it), the ones that are vitest tests
// themselves are run here too, and every shell command is run as a newcomer types it (`npx
// 99digital …` through the shell, against the Prism mock) or listed with the test that runs it.
// `npx 99digital --help` here is also the test of the bin after a rebuild (issue 23).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { pool, read, type Settled, settle } from './background.js';

// The tests here wait for child processes (started below, a few at a time) and Prism: on a loaded
// 2-core machine that alone can take longer than the default 20 s (vitest.config.ts), which is no
// failure of the behaviour tested.
vi.setConfig({ testTimeout: 120_000 });

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as object);

interface Block {
  lang: string;
  code: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    found.push({ lang: open[1] ?? '', code: body.join('\n'), line: start + 1 });
  }
  return found;
}

const all = blocks(readme);
const tsBlocks = all.filter((b) => b.lang === 'ts');
const shBlocks = all.filter((b) => b.lang === 'sh');
// Blocks in other languages would go unchecked: the README may only use these.
const allowed = new Set(['ts', 'sh', 'text']);

/** Shell lines, with continuations joined and comments and blank lines dropped. */
function commands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Every shell command as typed (commands joined by && taken one by one). */
const typed = shBlocks.flatMap((b) => commands(b.code)).flatMap((c) => c.split(/\s*&&\s*/));

/** The start of an ANSI colour code. */
const colourCode = '\u001b[';

/** Runs one README line through the shell, in the clone, as a newcomer types it. */
function shell(line: string, env: Record<string, string>) {
  // No NO_COLOR and no terminal: what lands in a log file.
  const { NO_COLOR: _, FORCE_COLOR: __, ...inherited } = process.env;
  return run('sh', ['-c', line], { cwd: root, env: { ...inherited, ...env }, timeout: 60_000 });
}

interface Output {
  stdout: string;
  stderr: string;
}

const cliLines = typed.filter((c) => /^npx 99digital\b/.test(c));
const lintSpec = 'npm run --silent lint:spec';
/** Each command run here (below), by the line as typed: its output, or why it failed. */
const outcomes = new Map<string, Promise<Settled<Output>>>();
let mockStarted: Promise<Settled<{ url: string; output: () => string }>>;
let stopMock = async (): Promise<void> => {};
// send-batch keeps a journal beside its file: without a fresh start, a second run would resume (skip all).
const journal = join(root, 'examples/notice.jsonl.journal.jsonl');

const snippetDir = join(root, 'test/readme/.snippets');
let typeChecked: Promise<Settled<string[]>>;

/** Writes each TypeScript block out as its own module and type-checks them all (in a worker thread): the diagnostics. */
function typeCheck(): Promise<string[]> {
  rmSync(snippetDir, { recursive: true, force: true });
  mkdirSync(snippetDir, { recursive: true });
  const files = tsBlocks.map((b) => {
    const file = join(snippetDir, `readme-line-${b.line}.ts`);
    // Each block is its own module, so blocks may reuse names.
    writeFileSync(file, `${b.code}\nexport {};\n`);
    return file;
  });
  const worker = new Worker(new URL('./typecheck-worker.mjs', import.meta.url), { workerData: { files, snippetDir } });
  return new Promise((done, failed) => {
    worker.once('message', done);
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`the type-check worker exited with ${code} before it answered`)));
  });
}

function outcomeOf(line: string): Promise<Settled<Output>> {
  const outcome = outcomes.get(line);
  if (outcome === undefined) throw new Error(`"${line}" is not run by this file`);
  return outcome;
}

/** `npm run mock` as typed, on a free port (4010 may be taken), until afterAll stops its process group. */
function startNpmRunMock(): Promise<{ url: string; output: () => string }> {
  const child = spawn('sh', ['-c', 'npm run mock -- --port 0'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', done));
  stopMock = async () => {
    if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGTERM');
    await exited;
  };
  let output = '';
  return new Promise((found, failed) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const match = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) found({ url: match[1], output: () => output });
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => failed(new Error(`npm run mock exited with ${code}:\n${output}`)));
  });
}

// Every command this file runs starts here, before the first test, at most three at a time (two
// cores, and each is mostly node starting up); each test then awaits the one it checks.
beforeAll(() => {
  typeChecked = settle(typeCheck());
  const slot = pool(3);
  const inShell = (line: string, env: Record<string, string>) => settle(slot(() => shell(line, env)));
  mockStarted = settle(slot(startNpmRunMock));
  const noServer = { DIGITAL99_API_ACCESS_TOKEN: '', DIGITAL99_BASE_URL: '' };
  for (const line of ['npm run check:generated', 'npm run test:contract']) outcomes.set(line, inShell(line, noServer));
  outcomes.set(lintSpec, inShell(lintSpec, {}));

  rmSync(journal, { force: true });
  const toMock = { DIGITAL99_API_ACCESS_TOKEN: 'readmeTestToken123456', DIGITAL99_BASE_URL: inject('prismUrl') };
  // The first npx run links this package into npx's cache; the others start after it, so that they
  // only read that link. The send-batch lines run in the README's order, one after the other: they
  // share the journal.
  const [first = '', ...rest] = cliLines;
  const linked = inShell(first, toMock);
  outcomes.set(first, linked);
  let batch: Promise<unknown> = /\bsend-batch\b/.test(first) ? linked : Promise.resolve();
  for (const line of rest) {
    const after = /\bsend-batch\b/.test(line) ? Promise.all([linked, batch]) : linked;
    const outcome = after.then(() => inShell(line, toMock));
    if (/\bsend-batch\b/.test(line)) batch = outcome;
    outcomes.set(line, outcome);
  }
});

afterAll(async () => {
  await Promise.all([...outcomes.values(), mockStarted, typeChecked]);
  rmSync(snippetDir, { recursive: true, force: true });
  rmSync(journal, { force: true });
  await stopMock();
});

function ranHere(line: string): boolean {
  return /^npx 99digital\b/.test(line) || ['npm run check:generated', 'npm run test:contract', 'npm run mock'].includes(line);
}

/** What the covering test names: the README line itself, or the script file it runs. */
function scriptOf(line: string): string {
  return line === 'npm start' ? 'scripts/demo.mjs' : line;
}

/**
 * README commands not run by this file, each with the test (or step) that runs it. A new command in
 * the README fails the test above until it is run here or listed here.
 */
const runElsewhere: Record<string, string> = {
  'npm ci': 'the step before npm test (.ci/run runs `npm ci && npm test` exactly as the README shows it)',
  'npm test': 'this run',
  'npm start': 'test/cli/demo.test.ts runs scripts/demo.mjs (npm start minus its build, which npm test just did)',
  'npm run generate': 'test/spec/single-source.test.ts, on a scratch copy (here it would rewrite generated/ under the running tests)',
  'npm run typecheck': 'a step of npm test, before vitest',
  'npm run dev': 'watches until Ctrl-C; its one-off part is npm run generate (test/spec/single-source.test.ts)',
  'npm run docs': 'test/docs/docs.test.ts runs scripts/docs.mjs',
  'npm run docs:serve': 'test/docs/docs-serve.test.ts runs scripts/docs-serve.mjs',
};

// Blocks that import from vitest are tests a user would copy: each is written out and imported
// inside its own describe, so that its hooks and tests run as part of this file.
const runnable = tsBlocks.filter((b) => /from 'vitest'/.test(b.code));
const runnableDir = join(root, 'test/readme/.runnable');
rmSync(runnableDir, { recursive: true, force: true });
mkdirSync(runnableDir, { recursive: true });
afterAll(() => rmSync(runnableDir, { recursive: true, force: true }));
for (const b of runnable) {
  const file = join(runnableDir, `readme-line-${b.line}.test-block.ts`);
  writeFileSync(file, `${b.code}\nexport {};\n`);
  describe(`README.md:${b.line}, run`, async () => {
    await import(pathToFileURL(file).href);
  });
}

describe('README.md', () => {
  it('has a test block that is run (the testing section)', () => {
    expect(runnable.map((b) => b.code)).toContainEqual(expect.stringContaining("from '99digital-client/testing'"));
  });

  it('has code blocks, each in a language this test checks', () => {
    expect(tsBlocks.length).toBeGreaterThan(3);
    expect(shBlocks.length).toBeGreaterThan(3);
    for (const b of all) expect(allowed.has(b.lang), `block at README.md:${b.line} is "${b.lang}"`).toBe(true);
  });

  it('text blocks are only output samples or tables of text', () => {
    for (const b of all.filter((x) => x.lang === 'text')) {
      expect(b.code, `text block at README.md:${b.line} looks like code`).not.toMatch(/^\s*(import|const|npm|npx|await)\b/m);
    }
  });

  it('every TypeScript block type-checks against the built package', async () => {
    expect(await read(typeChecked)).toEqual([]);
  });

  it('every npm script a shell block names exists', () => {
    const named = shBlocks
      .flatMap((b) => commands(b.code))
      .flatMap((c) => {
        const out: string[] = [];
        for (const m of c.matchAll(/npm (?:run )?([\w:-]+)/g)) {
          const name = m[1] ?? '';
          if (!['ci', 'install', 'i', 'run', 'pack', 'view'].includes(name)) out.push(name);
        }
        return out;
      });
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(scripts, `npm script "${name}"`).toContain(name);
  });

  it('every shell command is run as typed here, or named with the test that runs it', () => {
    for (const line of typed) {
      const how = ranHere(line) ? 'here' : runElsewhere[line];
      expect(how, `README command "${line}": run it in this file or add it to runElsewhere`).toBeDefined();
    }
    for (const [line, where] of Object.entries(runElsewhere)) {
      expect(typed, `runElsewhere names "${line}", which the README no longer shows`).toContain(line);
      const file = /^test\/\S+\.test\.ts/.exec(where)?.[0];
      // A file named as running a command must mention it (its header says what it runs).
      if (file) expect(readFileSync(join(root, file), 'utf8'), `${file} runs ${line}`).toContain(scriptOf(line));
    }
  });

  it('every 99digital command runs as typed (npx, through the shell) against the mock', async () => {
    expect(cliLines.length).toBeGreaterThan(1);
    for (const line of cliLines) {
      const { stdout, stderr } = await read(outcomeOf(line));
      expect(stdout.length, line).toBeGreaterThan(0);
      // Piped into a file or another program: plain text, no colour codes.
      expect(stdout + stderr, line).not.toContain(colourCode);
    }
  });

  it('npx 99digital --help runs the bin as built by `npm run build` (a rebuild once dropped its execute bit)', async () => {
    expect(typed).toContain('npx 99digital --help');
    expect(statSync(join(root, 'dist/src/cli/main.js')).mode & 0o111).toBe(0o111);
    // execFile rejects on a non-zero exit (npx's 127 for a bin it cannot run): this is exit 0.
    const { stdout } = await read(outcomeOf('npx 99digital --help'));
    expect(stdout).toMatch(/^Usage: 99digital <command> \[options\]/);
  });

  it.each(['npm run check:generated', 'npm run test:contract'])('%s runs as typed', async (line) => {
    expect(typed).toContain(line);
    // Without a server configured the contract test says so and exits 0, as the README says.
    const { stdout, stderr } = await read(outcomeOf(line));
    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout + stderr, line).not.toContain(colourCode);
  });

  it("npm run lint:spec (a step of npm test) says the spec is valid, without Redocly's Node.js 20 box or colour codes", async () => {
    const { stdout, stderr } = await read(outcomeOf(lintSpec));
    expect(stdout + stderr).toContain('Your API description is valid');
    expect(stdout + stderr).not.toMatch(/Node\.js 20 support is ending|╔/);
    expect(stdout + stderr).not.toContain(colourCode);
  });

  it('npm run mock runs as typed (on a free port: 4010 may be taken) and answers a message', async () => {
    expect(typed).toContain('npm run mock');
    const { url, output } = await read(mockStarted);
    const answer = await fetch(`${url}/api/v1/accounts/1/conversations/42/messages`, {
      method: 'POST',
      headers: { api_access_token: 'readmeTestToken123456', 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hello from the README test' }),
    });
    expect(answer.status, output()).toBe(200);
    expect(await answer.json()).toMatchObject({ content: 'Hello from the README test' });
  });
});
