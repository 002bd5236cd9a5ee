// Answers queued with startMockServer().enqueue(): what one may say, the checks on it, and the
// bodies the real server sends for the statuses a test most often asks for.
import { STATUS_CODES } from 'node:http';
import { ConfigurationError } from '../errors/classes.js';

/**
 * The next answer the mock gives, in place of Prism's. At least one of `status`, `delayMs`, `drop`
 * and `afterProcessing` is needed.
 *
 * - `{ status: 429 }`: answer 429 (with the body the server sends when none is given).
 * - `{ delayMs: 2000 }`: wait, then let Prism answer as usual (a slow server).
 * - `{ drop: true }`: read the request, then close the connection without an answer.
 * - `{ afterProcessing: 'drop' }`: process the request as usual (a valid message is created and
 *   kept), then close the connection without sending the answer: the answer lost on its way back.
 * - `{ afterProcessing: { delayMs: 5000 } }`: process the request, then wait before answering.
 */
export interface QueuedAnswer {
  /** The status to answer with, 200–599. Without it, the request goes on to Prism (after `delayMs`). */
  status?: number;
  /**
   * The body: a string is sent as is (text/plain unless `headers` say otherwise), anything else as
   * JSON. Default: the server's own body for 401, 404, 422 (the flood limit) and 429, else the
   * status text.
   */
  body?: unknown;
  /** Response headers, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
  /** Wait this long (ms) before answering, dropping, or passing the request on to Prism. */
  delayMs?: number;
  /** Close the connection once the request has been read, without answering. */
  drop?: boolean;
  /**
   * What happens to the answer once the request has been processed (and a valid message created):
   * `'drop'` closes the connection without sending it; `{ delayMs }` sends it that much later.
   */
  afterProcessing?: AfterProcessing;
}

/** See QueuedAnswer.afterProcessing. */
export type AfterProcessing = 'drop' | { delayMs: number };

const KEYS = new Set(['status', 'body', 'headers', 'delayMs', 'drop', 'afterProcessing']);

/** Checks an answer given to enqueue(); throws a ConfigurationError that says what to fix. */
export function checkQueuedAnswer(answer: unknown, index: number): QueuedAnswer {
  const where = `enqueue(): answer ${index + 1}`;
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new ConfigurationError(`${where} must be an object such as { status: 429 }, got ${describe(answer)}.`);
  }
  const unknown = Object.keys(answer).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${where} has unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; the fields are status, body, headers, delayMs, drop and afterProcessing.`,
    );
  }
  const { status, headers, delayMs, drop, afterProcessing } = answer as QueuedAnswer;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new ConfigurationError(`${where}: status must be an integer from 200 to 599, got ${describe(status)}.`);
  }
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new ConfigurationError(`${where}: delayMs must be a number of milliseconds, 0 or more, got ${describe(delayMs)}.`);
  }
  if (drop !== undefined && typeof drop !== 'boolean') {
    throw new ConfigurationError(`${where}: drop must be true or false, got ${describe(drop)}.`);
  }
  if (headers !== undefined) {
    const bad =
      headers === null || typeof headers !== 'object' ? [] : Object.entries(headers).filter(([, value]) => typeof value !== 'string');
    if (headers === null || typeof headers !== 'object' || bad.length > 0) {
      throw new ConfigurationError(`${where}: headers must map header names to strings, e.g. { 'retry-after': '1' }.`);
    }
  }
  checkAfterProcessing(afterProcessing, where);
  if (afterProcessing !== undefined && (status !== undefined || drop !== undefined || 'body' in answer || headers !== undefined)) {
    throw new ConfigurationError(
      `${where}: afterProcessing lets the mock process the request and answer it, so it takes no status, body, headers or drop; queue { drop: true } to lose the request before it is processed.`,
    );
  }
  if (status === undefined && delayMs === undefined && drop !== true && afterProcessing === undefined) {
    throw new ConfigurationError(`${where} says nothing to do: give a status, a delayMs, drop: true or afterProcessing.`);
  }
  if (drop === true && (status !== undefined || 'body' in answer || headers !== undefined)) {
    throw new ConfigurationError(`${where}: drop: true sends no answer, so it takes no status, body or headers.`);
  }
  return answer as QueuedAnswer;
}

function checkAfterProcessing(value: unknown, where: string): void {
  if (value === undefined || value === 'drop') return;
  const delayMs =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { delayMs?: unknown }).delayMs : undefined;
  const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  const ok = typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0 && keys.length === 1;
  if (!ok) {
    throw new ConfigurationError(
      `${where}: afterProcessing must be 'drop' or { delayMs: <milliseconds, 0 or more> }, got ${describe(value)}.`,
    );
  }
}

/** Body and headers for a queued status: the user's, else what the real server sends. */
export function queuedResponse(answer: QueuedAnswer & { status: number }): { headers: Record<string, string>; body: Uint8Array } {
  const given = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const body = 'body' in answer ? answer.body : defaultBody(answer.status);
  const isText = typeof body === 'string' || body instanceof Uint8Array;
  const bytes =
    body instanceof Uint8Array ? body : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body ?? null));
  const headers = { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...given };
  return { headers, body: bytes };
}

function defaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return { error: 'Invalid Access Token' };
    case 404:
      return { error: 'Resource could not be found' };
    case 422:
      // The 422 a caller cannot provoke from the mock otherwise: the per-conversation flood limit.
      return { error: 'Validation failed: Too many messages' };
    case 429:
      // Rack::Attack's throttled answer: text, no Retry-After.
      return 'Retry later\n';
    default:
      return STATUS_CODES[status] ?? `HTTP ${status}`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
