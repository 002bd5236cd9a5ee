// What debug lines may show of headers: an allowlist, so a header we did not think of (the token
// under any spelling, cookies, proxy credentials) is never printed.
const safeHeaders = new Set([
  'accept',
  'content-type',
  'content-length',
  'date',
  'location',
  'retry-after',
  'server',
  'user-agent',
  'x-request-id',
  'x-runtime',
  'sl-violations',
]);

export function describeHeaders(headers: Headers): string {
  const parts: string[] = [];
  headers.forEach((value, name) => {
    parts.push(safeHeaders.has(name.toLowerCase()) ? `${name}: ${value}` : `${name}: [redacted]`);
  });
  return `{${parts.join(', ')}}`;
}

/** Headers as a plain record, with anything not on the allowlist redacted. */
export function safeHeaderRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = safeHeaders.has(name.toLowerCase()) ? value : '[redacted]';
  });
  return record;
}
