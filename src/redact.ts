// The one place the token is cut out of what we show. A server, a proxy or a fetch wrapper can echo
// it back (in a body, a header, a Location, an error message), as is or percent-encoded in a URL.

/** The value with every appearance of the token replaced by [redacted]; objects and arrays are copied. */
export function redactToken<T>(value: T, token: string): T {
  if (typeof value === 'string') {
    return [token, encodeURIComponent(token)].reduce((text, form) => text.split(form).join('[redacted]'), value as string) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => redactToken(item, token)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactToken(key, token), redactToken(item, token)])) as T;
  }
  return value;
}
