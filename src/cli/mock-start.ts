// --mock for both commands: the built-in mock server (Prism), started so that a Ctrl-C while it
// starts is an interruption (exit 130, "nothing was sent"), not Prism's log of being killed.
import { AbortedError } from '../errors/classes.js';

export interface CliMock {
  url: string;
  close(): Promise<void>;
}

const interrupted = () => new AbortedError('The mock server was still starting; nothing was sent.', false);

export async function startCliMock(signal: AbortSignal | undefined): Promise<CliMock> {
  // Loaded only for --mock: it spawns Prism, an optional peer dependency.
  const { startMockServer } = await import('../testing/index.js');
  let mock: CliMock;
  try {
    mock = await startMockServer();
  } catch (error) {
    // A Ctrl-C in a terminal reaches Prism too (same process group): its death is the interruption,
    // even when it is noticed before our own SIGINT handler has run.
    if (signal?.aborted || (error instanceof Error && / killed by SIGINT/.test(error.message))) throw interrupted();
    throw error;
  }
  if (signal?.aborted) {
    await mock.close();
    throw interrupted();
  }
  return mock;
}
