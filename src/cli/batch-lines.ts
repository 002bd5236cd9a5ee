// The lines of a send-batch file: read as a stream of bytes, never the whole file at once, decoded strictly;
// each non-blank line is one message, checked with the same checks messages.create makes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CreateManyItem } from '../bulk/types.js';
import { InvalidInputError } from '../errors/classes.js';
import { isPlainObject } from '../internal/plain-object.js';
import { checkCreateParams } from '../messages/input-checks.js';

export interface BatchLine {
  /** From 1, as an editor numbers lines. */
  line: number;
  /** Of the line's text: a journal entry belongs to this line only while the line is unchanged. */
  hash: string;
  item: CreateManyItem;
}

const bom = Buffer.from([0xef, 0xbb, 0xbf]);
/** Strict: bytes that are not UTF-8 are an error, never U+FFFD sent as text. */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(bytes: Buffer): string | undefined {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  try {
    return decoder.decode(bytes.subarray(0, end));
  } catch {
    return undefined;
  }
}

/**
 * Each line of the file, numbered from 1 (blank lines included, so numbers match an editor's), read
 * as a byte stream and split at LF (a CRLF's CR dropped). `text` is undefined for a line that is not
 * UTF-8. A UTF-8 BOM at the start of the file (some editors write one) is skipped.
 */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string | undefined }> {
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  let line = 0;
  let rest: Buffer | undefined;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      if (line === 0 && rest === undefined && data.subarray(0, 3).equals(bom)) data = data.subarray(3);
      let start = 0;
      for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
        yield { line: ++line, text: decode(data.subarray(start, end)) };
        start = end + 1;
      }
      // Copied, so that the chunk it came from is not kept alive by a short tail.
      rest = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
    }
    if (rest !== undefined) yield { line: ++line, text: decode(rest) };
  } finally {
    input.destroy();
  }
}

export function lineHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The message of one line: `conversation_id`, the body fields, optional `account_id` (else
 * `--account`) and optional `key`. Throws InvalidInputError saying what is wrong.
 */
export function parseLine(text: string, line: number, account: number | undefined): BatchLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError('line', `not valid JSON (${(error as Error).message}).`);
  }
  if (!isPlainObject(value))
    throw new InvalidInputError('line', 'must be a JSON object such as {"conversation_id": 42, "content": "Hello"}.');
  const { key, ...fields } = value;
  if (key !== undefined && typeof key !== 'string') throw new InvalidInputError('key', `key must be a string, got ${JSON.stringify(key)}.`);
  if (fields.attachments !== undefined)
    throw new InvalidInputError('attachments', 'attachments cannot be sent from a send-batch file; use 99digital send --attach.');
  if (fields.account_id === undefined) {
    if (account === undefined)
      throw new InvalidInputError('account_id', 'no account_id: put "account_id" in the line or pass --account <id>.');
    fields.account_id = account;
  }
  checkCreateParams(fields);
  return { line, hash: lineHash(text), item: { ...(fields as CreateManyItem), ...(key === undefined ? {} : { key }) } };
}
