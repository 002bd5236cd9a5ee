// vitest globalSetup: one Prism mock of openapi.yaml for the whole run. Started and waited on before
// any test, handed to tests as inject('prismUrl'), and always stopped: on teardown, and at once if
// setup itself fails. A Prism that does not start fails the run with Prism's own log.
import type { TestProject } from 'vitest/node';
import { startMockServer } from '../../src/testing/index.js';
import { isRunning } from '../spec/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared Prism mock, e.g. http://127.0.0.1:53127. */
    prismUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const mock = await startMockServer();
  try {
    project.provide('prismUrl', mock.url);
  } catch (error) {
    await mock.close();
    throw error;
  }
  if (process.env['DEBUG_PRISM'] !== undefined) {
    console.info(`Prism mock ${mock.url} (pid ${mock.pid}) answered after ${Date.now() - started} ms`);
  }

  return async function teardown() {
    await mock.close();
    // A real check that nothing is left behind: the process is gone, not just signalled. vitest
    // only logs an error thrown here, so the exit code is set too: the run fails.
    if (isRunning(mock.pid)) {
      process.exitCode = 1;
      throw new Error(`Prism (pid ${mock.pid}) is still running after close()`);
    }
  };
}
