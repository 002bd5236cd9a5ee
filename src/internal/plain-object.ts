// Whether a value is an object with fields (not null, not an array): for input checks in the library and the CLI.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
