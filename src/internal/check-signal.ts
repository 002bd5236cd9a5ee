// The check of an option that must be an AbortSignal, for every place that takes one (a call, a
// batch). The error is the caller's to make (this folder depends on nothing).

/** `signal`, or `fail` called with what was wrong: undefined or a real AbortSignal only (fetch would throw later). */
export function checkSignal(signal: unknown, name: string, fail: (message: string) => never): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  const got =
    signal === null
      ? 'null'
      : typeof signal === 'object'
        ? `an object (${Object.prototype.toString.call(signal).slice(8, -1)})`
        : typeof signal;
  return fail(`${name} must be an AbortSignal, e.g. new AbortController().signal or AbortSignal.timeout(ms), got ${got}.`);
}
