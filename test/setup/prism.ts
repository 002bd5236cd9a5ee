// vitest globalSetup: one Prism mock of openapi.yaml for the whole run. Started and waited on before
// any test, and always stopped: on teardown, and at once if setup itself fails. A Prism that does
// not start fails the run with Prism's own log. Built from startMockServer's own pieces (its option
// check, its Prism start, its front server) so that tests get two things:
// - inject('prismUrl'): a mock as startMockServer gives it (a front server in front of Prism),
//   shared by every file that uses it;
// - inject('prismBackendUrl'): the Prism process itself, for test/support/shared-prism-mock.ts,
//   which puts a front server of a file's own (its own requests, queue, conversations) in front of
//   it, without starting a Prism of its own (~2 s of CPU each).
import type { TestProject } from 'vitest/node';
import { startFrontServer } from '../../src/testing/front-server.js';
import { checkMockOptions, startSpecPrism } from '../../src/testing/mock-parts.js';
import { isRunning } from '../spec/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared Prism mock, e.g. http://127.0.0.1:53127. */
    prismUrl: string;
    /** Base URL of the shared Prism process itself (no front server): the upstream for startMockOnSharedPrism. */
    prismBackendUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // The same steps as startMockServer(): check the (default) options, the front server, then Prism.
  const { specPath, front: frontOptions } = checkMockOptions({});
  const front = await startFrontServer(frontOptions);
  const prism = await startSpecPrism(specPath, {}).catch(async (error: unknown) => {
    await front.close();
    throw error;
  });
  front.setUpstream(prism.url);
  const close = () => Promise.all([front.close(), prism.close()]);
  try {
    project.provide('prismUrl', front.url);
    project.provide('prismBackendUrl', prism.url);
  } catch (error) {
    await close();
    throw error;
  }
  if (process.env['DEBUG_PRISM'] !== undefined) {
    console.info(`Prism mock ${front.url} → ${prism.url} (pid ${prism.pid}) answered after ${Date.now() - started} ms`);
  }

  return async function teardown() {
    await close();
    // A real check that nothing is left behind: the process is gone, not just signalled. vitest
    // only logs an error thrown here, so the exit code is set too: the run fails.
    if (isRunning(prism.pid)) {
      process.exitCode = 1;
      throw new Error(`Prism (pid ${prism.pid}) is still running after close()`);
    }
  };
}
