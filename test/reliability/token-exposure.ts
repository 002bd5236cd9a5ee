// Where a token could show up when a caller logs an error, and a check that it shows up nowhere,
// not even in part (a body cut at 200 characters could cut the token in two).
import { inspect } from 'node:util';

/** A token no real text contains, long enough that any 8-character piece of it is telling. */
export const secretToken = 'tokQ7xK2mP9vR4sT8wZ3yB6nC1dF5gH0jL';

/** Every 8-character window of the token. */
const pieces = Array.from({ length: secretToken.length - 7 }, (_, i) => secretToken.slice(i, i + 8));

/** The names of the renderings of `value` that contain the token or a piece of it. */
export function tokenExposures(value: unknown): string[] {
  const renderings: Record<string, string> = {};
  if (value instanceof Error) {
    renderings['message'] = value.message;
    renderings['stack'] = value.stack ?? '';
    renderings['String()'] = String(value);
  }
  renderings['JSON.stringify'] = safeStringify(value);
  renderings['util.inspect'] = inspect(value, { depth: Infinity, showHidden: true, getters: true });
  return Object.entries(renderings)
    .filter(([, text]) => pieces.some((piece) => text.includes(piece)))
    .map(([name]) => name);
}

/** The lines that contain the token or a piece of it. */
export function linesWithToken(lines: readonly string[]): string[] {
  return lines.filter((line) => pieces.some((piece) => line.includes(piece)));
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `unserializable: ${String(error)}`;
  }
}
