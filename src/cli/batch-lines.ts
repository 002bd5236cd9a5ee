// The lines of a send-batch file: read as a stream (node:readline), never the whole file at once;
// each non-blank line is one message, checked with the same checks messages.create makes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** Each line of the file, numbered from 1 (blank lines included, so numbers match an editor's). */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) yield { line: ++line, text };
  } finally {
    lines.close();
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
