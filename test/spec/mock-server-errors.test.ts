// startMockServer fails loudly and cleanly: Prism missing (the message says what to install), a
// spec Prism cannot load (the error carries Prism's own log), a Prism that does not answer in time
// (it is killed), bad options. No Prism process is left behind in any of these. The tests run at
// once (each its own files and ports), and the two that look at a failed start share one (a Prism
// start costs seconds of CPU).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError, Digital99Error } from '../../src/errors/classes.js';
import { PrismStartError, packagedSpecPath, startMockServer } from '../../src/testing/index.js';
import { findFreePort, PRISM_INSTALL_COMMAND, resolvePrismBin } from '../../src/testing/prism.js';
import { specPath, specSource } from './openapi.js';
import { processesMentioning } from './processes.js';

const scratch = mkdtempSync(join(tmpdir(), '99digital-mock-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** One start on a file Prism cannot load, on a port picked here: shared by the tests that look at a failed start. */
let failedStart: Promise<{ error: unknown; port: number; file: string }> | undefined;
function startOnNotAnApi(): Promise<{ error: unknown; port: number; file: string }> {
  failedStart ??= (async () => {
    const port = await findFreePort('127.0.0.1');
    const file = join(scratch, 'not-an-api.yaml');
    writeFileSync(file, 'hello: world\n');
    return { error: await rejection(startMockServer({ specPath: file, port })), port, file };
  })();
  return failedStart;
}

describe.concurrent('startMockServer failures', () => {
  it('without Prism installed: ConfigurationError naming the exact install command', () => {
    // Resolving from a directory with no node_modules above it, as in a project without Prism.
    const error = (() => {
      try {
        resolvePrismBin([join(scratch, 'package.json')]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(Digital99Error);
    expect((error as Error).message).toContain('npm install -D @stoplight/prism-cli@5.14.2');
    expect(PRISM_INSTALL_COMMAND).toBe('npm install -D @stoplight/prism-cli@5.14.2');
    // With this package's own node_modules, Prism is found.
    expect(resolvePrismBin([join(scratch, 'package.json'), import.meta.url])).toMatch(/prism-cli[\\/]dist[\\/]index\.js$/);
  });

  it('serves the packaged openapi.yaml by default', () => {
    expect(packagedSpecPath()).toBe(specPath);
  });

  it("a file Prism cannot load: PrismStartError with Prism's log, no process left", async () => {
    const { error, file } = await startOnNotAnApi();
    expect(error).toBeInstanceOf(PrismStartError);
    expect(error).toBeInstanceOf(ConfigurationError);
    const { message, log, exitCode } = error as PrismStartError;
    expect(exitCode).not.toBe(0);
    expect(log).toContain('Starting Prism');
    expect(message).toContain('Prism exited with code');
    expect(message).toContain(log);
    expect(processesMentioning(file) ?? []).toEqual([]);
  });

  it('a Prism that does not answer in time is killed: PrismStartError, no process left', async () => {
    const copy = join(scratch, 'slow.yaml');
    writeFileSync(copy, specSource);
    const error = await rejection(startMockServer({ specPath: copy, startTimeoutMs: 1 }));
    expect(error).toBeInstanceOf(PrismStartError);
    expect((error as Error).message).toMatch(/did not answer on http:\/\/127\.0\.0\.1:\d+ within 1 ms; it was stopped/);
    expect(processesMentioning(copy) ?? []).toEqual([]);
  });

  it('a missing spec file or a bad port: ConfigurationError before anything is started', async () => {
    const missing = join(scratch, 'missing.yaml');
    await expect(startMockServer({ specPath: missing })).rejects.toThrow(`The OpenAPI file to mock does not exist: ${missing}`);
    await expect(startMockServer({ port: 70_000 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(startMockServer({ port: 1.5 })).rejects.toThrow('port must be an integer from 1 to 65535');
    await expect(startMockServer({ respond: 'echo' as never })).rejects.toThrow(
      `respond must be one of 'message', 'examples', got "echo".`,
    );
  });

  it('when Prism fails to start, the port the mock took is let go', async () => {
    const { error, port } = await startOnNotAnApi();
    expect(error).toBeInstanceOf(PrismStartError);
    const server = createServer();
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, listening);
    });
    await new Promise((closed) => server.close(closed));
  });
});
