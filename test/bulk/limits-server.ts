// A loopback server that emulates the real server's limits, with windows as short as a test needs:
// fixed windows per client (all of loopback is one client) → 429 text/plain "Retry later" with a
// Date header and no Retry-After, as rack-attack answers; and the per-conversation flood limit,
// a sliding window of saved messages → 422 {"error":"Validation failed: Too many messages"}.
// It records every request with its arrival time and answer, so tests count what it received.
// Built on the tests' one loopback server (test/reliability/loopback-server.ts).
import type { ServerResponse } from 'node:http';
import { startServer, type LoopbackServer } from '../reliability/loopback-server.js';
import { messageJson } from '../support/sample-message.js';

export interface Arrival {
  /** The server's clock (Date.now(), or shifted: `windowsFromFirstArrival`) when the whole body had arrived. */
  at: number;
  account: number;
  conversation: number;
  content: string;
  token: string | undefined;
  status: number;
}

export interface LimitsServerOptions {
  windowMs: number;
  /** Requests per fixed window from the client (rack-attack counts refused requests too); default unlimited. */
  perWindow?: number;
  /** Saved messages per conversation in any window (default 200). */
  perConversation?: number;
  /**
   * The server's clock is shifted so that the first request arrives at the start of a window (its
   * Date headers follow that clock): a test then knows the first `perWindow` requests share a
   * window, however slowly a loaded machine sends them, with no wait lined up to the wall clock.
   */
  windowsFromFirstArrival?: boolean;
  /** Delay before answering, per request. */
  /** Answer this request only once the promise settles (an event the test waits on); undefined: at once. */
  holdUntil?: (arrival: Omit<Arrival, 'status'>) => Promise<unknown> | undefined;
  latencyMs?: () => number;
  /** Answer instead of the usual (e.g. a failure for one content); undefined: the usual. */
  override?: (arrival: Omit<Arrival, 'status'>, response: ServerResponse) => number | undefined;
}

export interface LimitsServer {
  url: string;
  /** Answered requests, in the order answered. */
  arrivals: Arrival[];
  /** Requests read so far, answered or not (a held one is not in `arrivals` yet). */
  received(): number;
  /** Saved messages (answered 200). */
  saved(): Arrival[];
  /** The most requests that arrived in any window of `windowMs` (sliding, by arrival). */
  maxInAnyWindow(windowMs?: number, of?: Arrival[]): number;
  /** Requests per fixed server window, as the server counted them. */
  perFixedWindow(): number[];
  close(): Promise<void>;
}

export async function startLimitsServer(options: LimitsServerOptions): Promise<LimitsServer> {
  const { windowMs, perWindow = Infinity, perConversation = 200 } = options;
  const arrivals: Arrival[] = [];
  const windows = new Map<number, number>();
  const savedAt = new Map<number, number[]>();
  let nextId = 1;
  let shift: number | undefined;

  const server: LoopbackServer = await startServer((req, res, index) => {
    const { body, receivedAt } = server.requests[index]!;
    if (options.windowsFromFirstArrival) shift ??= Math.ceil(receivedAt / windowMs) * windowMs - receivedAt;
    const at = receivedAt + (shift ?? 0);
    if (shift !== undefined) res.setHeader('date', new Date(at).toUTCString());
    const [, account = '0', conversation = '0'] = /accounts\/(\d+)\/conversations\/(\d+)\/messages/.exec(req.url ?? '') ?? [];
    let content = '';
    try {
      content = String((JSON.parse(body.toString('utf8')) as { content?: unknown }).content ?? '');
    } catch {
      // Not JSON: recorded with no content.
    }
    const token = req.headers['api_access_token'] as string | undefined;
    const base = { at, account: Number(account), conversation: Number(conversation), content, token };
    const window = Math.floor(at / windowMs);
    const count = (windows.get(window) ?? 0) + 1;
    windows.set(window, count);
    const answer = (): number => {
      const overridden = options.override?.(base, res);
      if (overridden !== undefined) return overridden;
      if (count > perWindow) {
        res.writeHead(429, { 'content-type': 'text/plain' });
        res.end('Retry later\n');
        return 429;
      }
      const recent = (savedAt.get(base.conversation) ?? []).filter((t) => t > at - windowMs);
      if (recent.length >= perConversation) {
        savedAt.set(base.conversation, recent);
        res.writeHead(422, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'Validation failed: Too many messages' }));
        return 422;
      }
      savedAt.set(base.conversation, [...recent, at]);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ...JSON.parse(messageJson(content, nextId++)), conversation_id: base.conversation }));
      return 200;
    };
    const respond = () => arrivals.push({ ...base, status: answer() });
    const delay = options.latencyMs?.() ?? 0;
    const held = options.holdUntil?.(base);
    if (held !== undefined) void held.then(respond);
    else if (delay > 0) setTimeout(respond, delay);
    else respond();
  });
  const sorted = () => [...arrivals].sort((a, b) => a.at - b.at);
  return {
    url: server.url,
    arrivals,
    received: () => server.requests.length,
    saved: () => sorted().filter((a) => a.status === 200),
    maxInAnyWindow(length = windowMs, of = sorted()) {
      let max = 0;
      for (let i = 0, j = 0; i < of.length; i++) {
        while (of[i]!.at - of[j]!.at >= length) j++;
        max = Math.max(max, i - j + 1);
      }
      return max;
    },
    perFixedWindow: () => [...windows.values()],
    close: () => server.close(),
  };
}
