// The one place that knows the API token besides the header that carries it: every error and debug
// line leaves the client through a Redactor, which cuts the token out of whatever they quote. A
// server, a proxy or a fetch wrapper can echo it back (in a body, a header, a status text, a
// Location, a low-level error message), as is or percent-encoded in a URL.

const mark = '[redacted]';

export interface Redactor {
  /** The text with every appearance of the token replaced by [redacted]. */
  text(text: string): string;
  /** The value with the token cut out of every string in it, keys included; objects and arrays are copied. */
  value<T>(value: T): T;
  /** The error itself, its message, stack and own fields redacted in place (the caller's `cause` is left alone). */
  error<E>(error: E): E;
}

export function createRedactor(token: string): Redactor {
  const forms = [...new Set([token, encodeURIComponent(token)])].filter((form) => form !== '');
  const text = (value: string) => forms.reduce((result, form) => result.split(form).join(mark), value);

  function value<T>(input: T): T {
    if (typeof input === 'string') return text(input) as T;
    if (Array.isArray(input)) return input.map((item: unknown) => value(item)) as T;
    if (input && typeof input === 'object') {
      return Object.fromEntries(Object.entries(input).map(([key, item]) => [text(key), value(item)])) as T;
    }
    return input;
  }

  function error<E>(err: E): E {
    if (!(err instanceof Error)) return err;
    const fields = err as unknown as Record<string, unknown>;
    for (const key of Object.keys(err)) {
      if (key !== 'cause') fields[key] = value(fields[key]);
    }
    err.message = text(err.message);
    if (typeof err.stack === 'string') err.stack = text(err.stack);
    return err;
  }

  return { text, value, error };
}
