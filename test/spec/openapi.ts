// The spec as data, for tests that iterate over it (examples, schemas), and small HTTP helpers
// for talking to Prism with plain fetch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const specPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
export const specSource = readFileSync(specPath, 'utf8');

/** The whole of openapi.yaml, parsed. Typed loosely: tests walk it like JSON. */
export const spec = parse(specSource) as Json;

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of any shape, read by tests that know it
export type Json = { [key: string]: any };

export const MESSAGES_PATH = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
export const createMessage: Json = spec.paths[MESSAGES_PATH].post;

/** Follows a local `$ref` (`#/components/...`), repeatedly, until it reaches a value. */
export function deref<T = Json>(value: Json): T {
  let current = value;
  const seen = new Set<string>();
  while (current !== null && typeof current === 'object' && typeof current.$ref === 'string') {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`Cannot follow $ref ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<Json>((node, key) => {
        if (node === undefined || node === null || !(key in node)) throw new Error(`Unresolved $ref ${ref}`);
        return node[key];
      }, spec);
  }
  return current as T;
}

/** Named request examples of one media type: [name, value]. */
export function requestExamples(mediaType: string): Array<[string, Json]> {
  const examples: Json = createMessage.requestBody.content[mediaType].examples;
  return Object.entries(examples).map(([name, example]) => [name, deref(example as Json).value as Json]);
}

export function messagesUrl(baseUrl: string, accountId: number | string = 1, conversationId: number | string = 42): string {
  return `${baseUrl}/api/v1/accounts/${accountId}/conversations/${conversationId}/messages`;
}

export interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** Prism's `sl-violations` header, parsed; [] when absent. Prism cuts it short past ~8 KB. */
export function violationsOf(response: Response): Violation[] {
  const header = response.headers.get('sl-violations');
  if (header === null) return [];
  const text = header.startsWith('Too many violations! ') ? header.slice('Too many violations! '.length) : header;
  try {
    return JSON.parse(text) as Violation[];
  } catch {
    // Truncated: keep what can be read, so assertions still see the messages.
    return [{ location: [], severity: 'Error', code: 'truncated', message: text }];
  }
}

export interface Answer {
  status: number;
  contentType: string | null;
  violations: Violation[];
  body: unknown;
}

export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (e.g. 429 "Retry later"): keep the text.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), violations: violationsOf(response), body };
}

/** POSTs a JSON body to Create a message, with the auth header unless told otherwise. */
export async function postMessage(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(messagesUrl(baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', api_access_token: 'testToken1234567890', ...headers },
    body: JSON.stringify(body),
  });
  return readAnswer(response);
}

/** GETs a conversation's messages (listMessages), with the auth header unless told otherwise. */
export async function getMessages(
  baseUrl: string,
  query: Record<string, string | number | undefined> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const search = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
  const response = await fetch(`${messagesUrl(baseUrl)}${search ? `?${search}` : ''}`, {
    headers: { api_access_token: 'testToken1234567890', ...headers },
  });
  return readAnswer(response);
}

/** GETs a conversation (getConversation), with the auth header unless told otherwise. */
export async function getConversation(
  baseUrl: string,
  headers: Record<string, string> = {},
  accountId = 1,
  conversationId = 42,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}/api/v1/accounts/${accountId}/conversations/${conversationId}`, {
    headers: { api_access_token: 'testToken1234567890', ...headers },
  });
  return readAnswer(response);
}

/** POSTs multipart/form-data: every `attachments[]` entry becomes a file part named after it. */
export async function postMultipart(baseUrl: string, fields: Json, headers: Record<string, string> = {}): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'attachments[]') {
      for (const file of value as Array<string | Blob>) {
        if (typeof file === 'string') form.append(name, new Blob([`contents of ${file} /?#&=+,`], { type: 'application/pdf' }), file);
        else form.append(name, file, 'file.bin');
      }
    } else {
      form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  const response = await fetch(messagesUrl(baseUrl), {
    method: 'POST',
    headers: { api_access_token: 'testToken1234567890', ...headers },
    body: form,
  });
  return readAnswer(response);
}

/** Short text of violations, for assertion messages. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.location.join('.')}: ${v.message}`).join('\n');
}
