// An injected fetch for unit tests: it records what the server would have received and answers
// with Responses the test builds. No globals are patched, so tests cannot leak into each other.
import { createClient, type RetryOptions } from '../../src/index.js';
import { sampleMessage } from '../support/sample-message.js';

export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  /** The body as text ('' when there is none). */
  body: string;
  /** The parsed parts, when the body was multipart/form-data. */
  form: FormData | undefined;
  redirect: RequestRedirect;
}

/** Answers one call; `call` counts from 1. Return a fresh Response each time (bodies are one-shot). */
export type Answer = (request: Request, call: number) => Response | Promise<Response>;

export function fakeFetch(answer: Answer = () => jsonResponse(sampleMessage)) {
  const sent: SentRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const isForm = request.headers.get('content-type')?.startsWith('multipart/form-data') ?? false;
    const copy = request.clone();
    sent.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
      form: isForm ? await copy.formData() : undefined,
      redirect: request.redirect,
    });
    return answer(request, sent.length);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** Answers each call in turn with the next answer; the last one repeats. */
export function answers(...list: Array<() => Response>): Answer {
  return (_request, call) => (list[Math.min(call, list.length) - 1] as () => Response)();
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

export function textResponse(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

export const token = 'tokUNIT9f8e7d6c5b4a';
export const baseUrl = 'https://online.99digital.co.il';
export const messagesUrl = (account: number, conversation: number, base = baseUrl) =>
  `${base}/api/v1/accounts/${account}/conversations/${conversation}/messages`;

/** Catches what a promise rejects with, for assertions on the error object itself. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** messages.create of a text message through a client on `answer`: what it threw, and what was sent. */
export async function createWithFake(answer: Answer, retry: RetryOptions | false = false) {
  const server = fakeFetch(answer);
  const client = createClient({ apiAccessToken: token, baseUrl, retry, fetch: server.fetch });
  const error = await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' }));
  return { error, sent: server.sent };
}
