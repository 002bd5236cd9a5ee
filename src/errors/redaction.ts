// The one place that knows the API token besides the header that carries it: every error and debug
// line leaves the client through a Redactor, which cuts the token out of whatever they quote. A
// server, a proxy or a fetch wrapper can echo it back (in a body, a header, a reason phrase, a
// Location, a low-level error message). createClient accepts only letters and digits (what real
// tokens are made of), so every encoding of the token (URL, form, JSON, HTML) is the token itself.
// Any run of 8 or more of its characters is cut too: a body cut short, or a server that echoes part
// of it, must not show a piece either.

const mark = '[redacted]';

/** Past this depth a quoted value is replaced, not copied: a hostile body can nest thousands deep. */
export const maxQuotedDepth = 64;
const tooDeep = `[nested deeper than ${maxQuotedDepth} levels]`;

export interface Redactor {
  /** The text with the token, and every run of 8 or more of its characters, replaced by [redacted]. */
  text(text: string): string;
  /**
   * At most `max` characters of the redacted text. It is redacted before it is cut, and when it is
   * cut, an end that could be the start of the token (or of the mark) is dropped too, and `more`
   * (e.g. "…") is added.
   */
  excerpt(text: string, max: number, more?: string): string;
  /** The value with the token cut out of every string in it, keys included; copied, at most 64 levels deep. */
  value<T>(value: T): T;
  /** The error itself, its message, stack and own fields redacted in place (the caller's `cause` is left alone). */
  error<E>(error: E): E;
}

export function createRedactor(token: string): Redactor {
  // Pieces shorter than 8 could be anything; a shorter token is cut only whole.
  const size = Math.min(8, token.length);
  const pieces = new Set<string>();
  for (let i = 0; i + size <= token.length; i++) pieces.add(token.slice(i, i + size));
  const first = new Set(token);

  function text(input: string): string {
    if (size === 0 || input.length < size) return input;
    // Runs of overlapping pieces become one mark each.
    let out = '';
    let copied = 0;
    let runStart = -1;
    let runEnd = -1;
    for (let i = 0; i + size <= input.length; i++) {
      if (!first.has(input[i]!) || !pieces.has(input.slice(i, i + size))) continue;
      if (i > runEnd) {
        if (runStart >= 0) {
          out += input.slice(copied, runStart) + mark;
          copied = runEnd;
        }
        runStart = i;
      }
      runEnd = i + size;
    }
    if (runStart < 0) return input;
    return out + input.slice(copied, runStart) + mark + input.slice(runEnd);
  }

  function excerpt(input: string, max: number, more = ''): string {
    // Only the start matters: a margin longer than the token keeps every piece that reaches into it whole.
    const margin = token.length + mark.length;
    const redacted = text(input.length > max + margin ? input.slice(0, max + margin) : input);
    if (redacted.length <= max && input.length <= max + margin) return redacted;
    let cut = redacted.slice(0, max);
    for (const lead of [mark, token]) {
      for (let k = Math.min(lead.length - 1, cut.length); k > 0; k--) {
        if (lead.startsWith(cut.slice(-k))) {
          cut = cut.slice(0, -k);
          break;
        }
      }
    }
    return cut + more;
  }

  function value<T>(input: T, depth = 0): T {
    if (typeof input === 'string') return text(input) as T;
    if (input === null || typeof input !== 'object') return input;
    if (depth >= maxQuotedDepth) return tooDeep as T;
    if (Array.isArray(input)) return input.map((item: unknown) => value(item, depth + 1)) as T;
    return Object.fromEntries(Object.entries(input).map(([key, item]) => [text(key), value(item, depth + 1)])) as T;
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

  return { text, excerpt, value: (input) => value(input), error };
}
