// What the mock records of each request it receives (startMockServer().requests), and how a body
// is read into it: JSON parsed, multipart split into parts by the platform's own parser.
import type { IncomingHttpHeaders } from 'node:http';

/** A text part of a multipart body. */
export interface RecordedField {
  readonly name: string;
  readonly value: string;
}

/** A file part of a multipart body. */
export interface RecordedFile {
  readonly name: string;
  readonly filename: string;
  /** The part's media type ('' when it had none). */
  readonly type: string;
  readonly size: number;
  readonly bytes: Uint8Array;
}

export type RecordedPart = RecordedField | RecordedFile;

/** One request the mock received, in the order they arrived. */
export interface RecordedRequest {
  readonly method: string;
  /** The path with its query string, e.g. `/api/v1/accounts/1/conversations/42/messages`. */
  readonly path: string;
  /**
   * The headers as received, names in lower case. The token header (`api_access_token`) is kept
   * as sent, so that a test can check it: give the mock test tokens, never a real one.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body: parsed JSON for a JSON body; for multipart, its text fields as an object (a name
   * sent more than once gives an array); other bodies as text; undefined when there was none.
   */
  readonly body: unknown;
  /** Every part of a multipart body, files included, in order; undefined for other bodies. */
  readonly parts: readonly RecordedPart[] | undefined;
  /** Who answered: Prism (`'prism'`), or an answer queued with `enqueue()` (`'queue'`). */
  readonly answeredBy: 'prism' | 'queue';
  /** The status sent back; undefined while the answer is pending, or when the connection was dropped. */
  readonly status: number | undefined;
}

/** The mutable record the mock fills in as the request is read and answered. */
export interface RequestRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  parts: RecordedPart[] | undefined;
  answeredBy: 'prism' | 'queue';
  status: number | undefined;
}

export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

export function isFile(part: RecordedPart): part is RecordedFile {
  return 'filename' in part;
}

/** Reads a body into the record's `body` and `parts`. A body that does not parse is kept as text. */
export async function readBody(record: RequestRecord, bytes: Uint8Array, contentType: string | undefined): Promise<void> {
  if (bytes.byteLength === 0) return;
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'multipart/form-data' && contentType !== undefined) {
    try {
      record.parts = await multipartParts(bytes, contentType);
      record.body = textFields(record.parts);
      return;
    } catch {
      // Not valid multipart: keep the text, as for any other body.
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      record.body = JSON.parse(text);
      return;
    } catch {
      // Malformed JSON: keep the text.
    }
  }
  record.body = text;
}

async function multipartParts(bytes: Uint8Array, contentType: string): Promise<RecordedPart[]> {
  // The platform's multipart parser (undici's Request#formData), rather than a dependency.
  const form = await new Request('http://mock.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: bytes.slice(),
  }).formData();
  const parts: RecordedPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push({ name, value });
    } else {
      const file = value as File;
      parts.push({ name, filename: file.name, type: file.type, size: file.size, bytes: new Uint8Array(await file.arrayBuffer()) });
    }
  }
  return parts;
}

function textFields(parts: readonly RecordedPart[]): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const part of parts) {
    if (isFile(part)) continue;
    const seen = fields[part.name];
    fields[part.name] = seen === undefined ? part.value : Array.isArray(seen) ? [...seen, part.value] : [seen, part.value];
  }
  return fields;
}
