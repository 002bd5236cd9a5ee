// `npm run docs:serve` as a newcomer runs it: it prints a loopback URL, serves the page there, keeps
// to docs/, and stops cleanly on SIGTERM (what Ctrl-C's SIGINT also does, through the same code).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('docs:serve', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let url = '';

  beforeAll(async () => {
    // Port 0: any free port, so the test never collides with a docs:serve someone left running.
    child = spawn(process.execPath, [resolve(root, 'scripts', 'docs-serve.mjs'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // It may build first (docs/index.html missing or stale), which takes a second or two.
    const deadline = Date.now() + 30_000;
    while (!/serving docs\/ at (http:\/\/127\.0\.0\.1:\d+\/)/.test(output)) {
      if (child.exitCode !== null) throw new Error(`docs:serve exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`docs:serve printed no URL within 30 s:\n${output}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    url = /serving docs\/ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1] ?? '';
  });

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('serves the page at the printed loopback URL', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<title>99digital Messaging API</title>');
  });

  it('sends Redoc link paths to the hash route the page understands', async () => {
    const response = await fetch(new URL('/messages/createmessage', url), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/#/messages/createmessage');
  });

  it('serves nothing outside docs/', async () => {
    for (const path of ['/%2e%2e/package.json', '/..%2fpackage.json', '/missing.js']) {
      const response = await fetch(new URL(path, url), { redirect: 'manual' });
      expect(response.status, path).toBe(404);
      await response.arrayBuffer();
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    // A kept-alive connection must not hold the server open: one that did would keep it running past
    // this test's timeout. (No wall-clock bound: on a loaded machine a prompt exit can take seconds.)
    await fetch(url, { headers: { connection: 'keep-alive' } }).then((response) => response.arrayBuffer());
    child?.kill('SIGTERM');
    const [code] = (await once(child as ChildProcess, 'exit')) as [number | null];
    expect(code, output).toBe(0);
    expect(output).toContain('SIGTERM, stopping');
  });
});
