// Where the time goes, without the network: the CPU cost (µs per request, in this process) of each
// step raw fetch, openapi-fetch and this client take, measured in isolation. Run by
// `node scripts/bench.mjs --breakdown`. The fetch used by the whole-client rows is a stub that
// does what fetch does first (new Request(input, init)) and answers with a ready Response, so
// those rows are the clients' own overhead. The clients are created with the stub standing in for
// globalThis.fetch, so they take the path they take with the platform's fetch.
import createOpenApiClient, { createFinalURL, createQuerySerializer, defaultPathSerializer, mergeHeaders } from 'openapi-fetch';

const token = 'benchToken1234567890';
const baseUrl = 'http://127.0.0.1:9';
const path = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
const url = `${baseUrl}/api/v1/accounts/1/conversations/42/messages`;
const body = { content: 'Hello from the API', message_type: 'outgoing', private: false };
const params = { path: { account_id: 1, conversation_id: 42 } };

/**
 * CPU µs per call (process.cpuUsage, so time this process spends descheduled on a busy machine is
 * not counted): the median of 7 runs after warm-up. Async steps are awaited.
 */
async function cost(fn, iterations, gc) {
  for (let i = 0; i < iterations; i++) await fn();
  const runs = [];
  for (let r = 0; r < 7; r++) {
    gc();
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await fn();
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / iterations);
  }
  runs.sort((a, b) => a - b);
  return runs[3];
}

export async function breakdown({ createClient, payload, gc }) {
  const answer = () =>
    new Response(payload, {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) },
    });
  // What undici's fetch does first with its arguments, then an answer: no socket.
  const stubFetch = async (input, init) => {
    new Request(input, init);
    return answer();
  };
  const headersInit = { 'content-type': 'application/json', api_access_token: token };
  const querySerializer = createQuerySerializer();
  const merged = mergeHeaders({ 'Content-Type': 'application/json' }, { api_access_token: token });
  const bare = createOpenApiClient({ baseUrl, headers: { api_access_token: token }, fetch: stubFetch });
  // The clients take the stub as the platform's fetch (the default path, as with Node's fetch).
  const platformFetch = globalThis.fetch;
  globalThis.fetch = stubFetch;
  const client = createClient({ apiAccessToken: token, baseUrl });
  globalThis.fetch = platformFetch;
  const madeRequest = () => new Request(url, { method: 'POST', headers: merged, body: JSON.stringify(body), redirect: 'follow' });

  const steps = [
    ['JSON.stringify(body)', () => JSON.stringify(body)],
    [
      'openapi-fetch: URL from path template + params',
      () => createFinalURL(path, { baseUrl, params, querySerializer, pathSerializer: defaultPathSerializer }),
    ],
    [
      'openapi-fetch: mergeHeaders ×2 (Headers objects)',
      () => {
        mergeHeaders({ api_access_token: token }, undefined, undefined);
        mergeHeaders({ 'Content-Type': 'application/json' }, { api_access_token: token }, undefined, undefined);
      },
    ],
    [
      'new Request(url, init) — raw fetch does this inside fetch()',
      () => new Request(url, { method: 'POST', headers: headersInit, body: JSON.stringify(body) }),
    ],
    ['new Request(request) — fetch(request) re-wraps (body piped through a TransformStream)', () => new Request(madeRequest())],
    ['  …the same, minus building the inner Request', null],
    [
      'new Request(url, { …, signal }) — following an AbortSignal',
      () => new Request(url, { method: 'POST', headers: headersInit, body: JSON.stringify(body), signal: new AbortController().signal }),
    ],
    [
      'new AbortController() + setTimeout + clearTimeout (a per-attempt timeout)',
      () => {
        const c = new AbortController();
        clearTimeout(setTimeout(() => c.abort(), 30_000));
      },
    ],
    ['Response: .json()', () => answer().json()],
    ['Response: .text() + JSON.parse', async () => JSON.parse(await answer().text())],
    [
      'stub fetch alone (new Request + Response, not read)',
      () => stubFetch(url, { method: 'POST', headers: headersInit, body: JSON.stringify(body) }),
    ],
    [
      'raw fetch pattern on the stub: fetch(url, init) + .json()',
      async () => (await stubFetch(url, { method: 'POST', headers: headersInit, body: JSON.stringify(body) })).json(),
    ],
    ['bare openapi-fetch POST on the stub', () => bare.POST(path, { params, body })],
    ['client.api.POST on the stub', () => client.api.POST(path, { params, body })],
    ['client.messages.create on the stub', () => client.messages.create({ account_id: 1, conversation_id: 42, ...body })],
  ];
  const rows = [];
  for (const [name, fn] of steps) {
    if (fn === null) {
      rows.push({ name, us: +(rows[rows.length - 1].us - (await cost(madeRequest, 2000, gc))).toFixed(2) });
      continue;
    }
    rows.push({ name, us: +(await cost(fn, 2000, gc)).toFixed(2) });
  }
  return rows;
}
