// The checks can fail: a scratch copy of openapi.yaml with one broken response example (a
// message_type of "two") is caught both by the mock (a second Prism, started on the copy with
// --errors) and by `redocly lint`, while an unbroken copy in the same place passes. The scratch
// directory and the second Prism are removed afterwards, and the test checks Prism is really gone.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { startMockServer, type MockServer } from '../../src/testing/index.js';
import { formatViolations, postMessage, specPath, specSource } from './openapi.js';
import { isRunning, processesMentioning } from './processes.js';

// Each test here starts Prism or a child process: on a loaded 2-core machine that alone can take
// longer than the default 20 s (vitest.config.ts), which is no failure of the behaviour tested.
vi.setConfig({ testTimeout: 60_000 });

const root = dirname(specPath);
const redoclyPackage = createRequire(import.meta.url).resolve('@redocly/cli/package.json');
const redocly = resolve(dirname(redoclyPackage), 'bin/cli.js');

let scratch: string;
let goodCopy: string;
let brokenCopy: string;
let mock: MockServer | undefined;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), '99digital-broken-spec-'));
  goodCopy = join(scratch, 'openapi.yaml');
  brokenCopy = join(scratch, 'broken.yaml');
  writeFileSync(goodCopy, specSource);
  const broken = parseDocument(specSource);
  const path = ['components', 'examples', 'TextMessageResponse', 'value', 'message_type'];
  expect(broken.getIn(path)).toBe(1);
  broken.setIn(path, 'two');
  writeFileSync(brokenCopy, broken.toString());
});

afterAll(async () => {
  await mock?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function lint(file: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [redocly, 'lint', file, '--config', join(root, 'redocly.yaml')], { cwd: root }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('a broken response example is caught', () => {
  it('by the mock: with --errors Prism answers 500 and names the violation', async () => {
    mock = await startMockServer({ specPath: brokenCopy });

    const broken = await postMessage(mock.url, { content: 'Hello from the API' }, { prefer: 'example=text' });
    expect(broken.status).toBe(500);
    expect(broken.contentType).toMatch(/^application\/problem\+json/);
    expect(broken.violations).toContainEqual(
      expect.objectContaining({
        location: ['response', 'body', 'message_type'],
        message: 'Response body property message_type must be integer',
      }),
    );
    expect(broken.body).toMatchObject({ type: 'https://stoplight.io/prism/errors#VIOLATIONS', status: 500 });

    // Only the broken example fails: another one from the same copy is served cleanly.
    const intact = await postMessage(mock.url, { content: 'x' }, { prefer: 'example=incoming' });
    expect(intact.violations, formatViolations(intact.violations)).toEqual([]);
    expect(intact.status).toBe(200);
  });

  it('and close() leaves no Prism behind', async () => {
    expect(mock).toBeDefined();
    const { pid, url } = mock as MockServer;
    expect(isRunning(pid)).toBe(true);
    await mock?.close();
    expect(isRunning(pid)).toBe(false);
    expect(processesMentioning(brokenCopy) ?? []).toEqual([]);
    await expect(fetch(url)).rejects.toThrow();
    await mock?.close(); // idempotent
  });

  it('by redocly lint: non-zero exit on the broken copy, zero on the intact one', async () => {
    const [broken, intact] = await Promise.all([lint(brokenCopy), lint(goodCopy)]);
    expect(broken.code, broken.output).not.toBe(0);
    expect(broken.output).toContain('no-invalid-media-type-examples');
    expect(broken.output).toMatch(/message_type/);
    expect(intact.code, intact.output).toBe(0);
  }, 30_000);
});
