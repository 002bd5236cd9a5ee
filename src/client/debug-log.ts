// Debug lines (when `debug` is set): one per request and one per response. Headers are shown by
// allowlist, so a header we did not think of (the token under any spelling, cookies, proxy
// credentials) is never printed; the allowlist holds the ordinary transport and caching headers, so
// that only what may carry a secret reads [redacted]; the `debug` given here already cuts the token out of the rest (a
// hostile server can put it in a Location), see client/options.ts.

const safeHeaders = new Set([
  'accept',
  'accept-encoding',
  'cache-control',
  'connection',
  'content-encoding',
  'etag',
  'keep-alive',
  'transfer-encoding',
  'vary',
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
    parts.push(`${name}: ${safeHeaders.has(name.toLowerCase()) ? value : '[redacted]'}`);
  });
  return `{${parts.join(', ')}}`;
}

/** Writes the request's line and returns what writes the response's. */
export function logExchange(
  log: (line: string) => void,
  request: Pick<Request, 'method' | 'url' | 'headers'>,
): (response: Response) => void {
  const started = performance.now();
  log(`→ ${request.method} ${request.url} ${describeHeaders(request.headers)}`);
  return (response) =>
    log(
      `← ${response.status} ${request.method} ${request.url} in ${Math.round(performance.now() - started)} ms ${describeHeaders(response.headers)}`,
    );
}
