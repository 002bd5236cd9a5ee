// Runs the README test's child commands in the background, a few at a time: they are started before
// the first test and each test awaits the one it checks, so that their waiting (npm, npx, Prism
// starting) overlaps instead of adding up. A failure is kept until its test reads it.

/** What a background job ended with: its value, or the error it threw (rethrown by `read`). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The job's outcome as a promise that never rejects: no unhandled rejection while no test awaits it. */
export function settle<T>(job: Promise<T>): Promise<Settled<T>> {
  return job.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** The value of a settled job, or its error thrown here, in the test that reads it. */
export async function read<T>(settled: Promise<Settled<T>>): Promise<T> {
  const outcome = await settled;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** Runs at most `limit` jobs at once, in the order they were given. */
export function pool(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next job, so that a job given later cannot take it first.
    if (next) next();
    else running--;
  };
  return async (job) => {
    if (running < limit) running++;
    else await new Promise<void>((turn) => waiting.push(turn));
    try {
      return await job();
    } finally {
      release();
    }
  };
}
