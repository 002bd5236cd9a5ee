// A mock of the API with its own state (recorded requests, queued answers, kept conversations,
// channel, botTokens, respond) but no Prism of its own: its front server, the one startMockServer
// builds, in front of the one Prism process of the run (test/setup/prism.ts). A Prism start costs
// ~2 s of CPU; a front server costs next to nothing. For tests of the mock's answers and state, not
// of Prism's start, stop, pid or log (Prism's log is shared with every other file of the run).
import { inject } from 'vitest';
import { startFrontServer } from '../../src/testing/front-server.js';
import type { MockServer, MockServerOptions } from '../../src/testing/index.js';
import { checkMockOptions } from '../../src/testing/mock-parts.js';

/** startMockServer's options that are the front server's: Prism's own (spec, errors, start timeout) are the shared one's. */
export type SharedPrismMockOptions = Omit<MockServerOptions, 'specPath' | 'errors' | 'startTimeoutMs'>;

/** MockServer without what belongs to a Prism process of its own (pid, exited, log). */
export type SharedPrismMock = Pick<MockServer, 'url' | 'requests' | 'enqueue' | 'queued' | 'reset' | 'close'>;

/** Starts a front server in front of the shared Prism; options are checked as startMockServer checks them. */
export async function startMockOnSharedPrism(options: SharedPrismMockOptions = {}): Promise<SharedPrismMock> {
  const { front: frontOptions } = checkMockOptions(options);
  const front = await startFrontServer(frontOptions);
  front.setUpstream(inject('prismBackendUrl'));
  return {
    url: front.url,
    get requests() {
      return front.requests;
    },
    enqueue: (...answers) => front.enqueue(answers),
    get queued() {
      return front.queued;
    },
    reset: () => front.reset(),
    close: () => front.close(),
  };
}
