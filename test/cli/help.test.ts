// --help, --version, and the command line outside `send`. --help and --version run the built bin as a
// process (what the shell sees, and the version read from the built package); the other cases run
// the same run() in-process (run-cli-in-process.ts), without a node process each.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';
import { checkBuilt, root, runCli } from './run-cli.js';

beforeAll(checkBuilt);

describe('99digital help and version', () => {
  it('--help prints the commands and the environment variables on stdout', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: 99digital <command> \[options\]\n/);
    expect(result.stdout).toContain('send         Post a message into a conversation');
    expect(result.stdout).toContain('send-batch   Post many, from a JSONL file, resumable');
    expect(result.stdout).toContain('DIGITAL99_API_ACCESS_TOKEN');
    expect(result.stdout).toContain('DIGITAL99_BASE_URL');
  });

  it('send-batch --help (and help send-batch) list every option and the exit codes', async () => {
    const result = await runCliInProcess(['send-batch', '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: 99digital send-batch <file.jsonl> \[options\]\n/);
    for (const option of [
      '--journal <path>',
      '--resend-unknown',
      '--dry-run',
      '--account <id>',
      '--per-minute <n>',
      '--concurrency <n>',
      '--continue-after-failure',
      '--base-url <url>',
      '--timeout <seconds>',
      '--mock',
      '--json',
      '--help',
    ]) {
      expect(result.stdout).toContain(option);
    }
    for (const code of ['0  every line sent', '2  bad usage', '5  some lines failed', '130 interrupted'])
      expect(result.stdout).toContain(code);
    expect((await runCliInProcess(['help', 'send-batch'])).stdout).toBe(result.stdout);
  });

  it('send --help (and help send) list every option and the exit codes', async () => {
    const result = await runCliInProcess(['send', '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: 99digital send --account <id> --conversation <id> \[options\] <text>\n/);
    for (const option of [
      '--account <id>',
      '--conversation <id>',
      '--type <type>',
      '--private',
      '--content-type <type>',
      '--attributes <json|@file>',
      '--template-params <json|@file>',
      '--attach <file>',
      '--echo-id <id>',
      '--base-url <url>',
      '--timeout <seconds>',
      '--no-retry',
      '--mock',
      '--json',
      '--debug',
    ]) {
      expect(result.stdout).toContain(`  ${option}`);
    }
    expect(result.stdout).toContain('The token is read from DIGITAL99_API_ACCESS_TOKEN only.');
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 {2}sent\n {2}2 .*\n {2}3 .*\n {2}4 /);
    expect((await runCliInProcess(['help', 'send'])).stdout).toBe(result.stdout);
  });

  it('--version prints the package version and the API description version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^99digital-client ${version.replace(/\./g, '\\.')} \\(API description \\d+\\.\\d+\\.\\d+\\)\\n$`),
    );
  });

  it('no command: the usage on stderr, exit 2', async () => {
    const result = await runCliInProcess([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: 99digital <command>/);
  });

  it('an unknown command: one line, exit 2', async () => {
    const result = await runCliInProcess(['sned', '--account', '1']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`99digital: unknown command "sned"; the commands are send and send-batch. See '99digital --help'.\n`);
  });
});

describe('the library entry does not load the CLI', () => {
  it('no module reachable from src/index.ts is under src/cli/', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(root, 'src', 'index.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].filter((file) => file.startsWith(join(root, 'src', 'cli') + sep))).toEqual([]);
  });
});
