// `99digital send ...` → what to send and how. Everything the command line can get wrong is
// found here, before a token is read or a byte is sent.
import { readFileSync } from 'node:fs';
import { requestEnums } from '../messages/input-checks.js';
import { UsageError } from './exit-codes.js';
import { readJsonArg } from './json-arg.js';
import { type AuthHeader, parseAuthHeader, parseOptions, parseTimeout } from './parse-options.js';

/**
 * The request's fields, except the files (read later, in readAttachments). Untyped beyond the ids:
 * JSON from the command line is checked at run time by messages.create, like any JavaScript input.
 */
export type SendFields = { account_id: number; conversation_id: number; content: string } & Record<string, unknown>;

export interface SendCommand {
  help: boolean;
  params: SendFields;
  attach: string[];
  baseUrl: string | undefined;
  timeoutMs: number | undefined;
  authHeader: AuthHeader | undefined;
  retry: boolean;
  mock: boolean;
  json: boolean;
  debug: boolean;
}

const sendHelp = '99digital send --help';

const options = {
  account: { type: 'string' },
  conversation: { type: 'string' },
  type: { type: 'string' },
  private: { type: 'boolean' },
  'content-type': { type: 'string' },
  attributes: { type: 'string' },
  'template-params': { type: 'string' },
  attach: { type: 'string', multiple: true },
  'echo-id': { type: 'string' },
  'base-url': { type: 'string' },
  'auth-header': { type: 'string' },
  timeout: { type: 'string' },
  'no-retry': { type: 'boolean' },
  mock: { type: 'boolean' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseId(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw new UsageError(`missing ${flag} <id>.`);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) {
    throw new UsageError(`${flag} must be a positive whole number, got "${raw}".`);
  }
  return Number(raw);
}

function parseChoice<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${raw}".`);
  return raw as T;
}

function readContent(positionals: readonly string[]): string {
  if (positionals.length === 0) {
    throw new UsageError('missing the message text, e.g. 99digital send --account 1 --conversation 42 "Hello" ("" for none, - for stdin).');
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one message text, got ${positionals.length} words: quote the text, e.g. "${positionals.join(' ')}".`);
  }
  const [text = ''] = positionals;
  if (text !== '-') return text;
  try {
    // A text piped in ends with the newline `echo` added; it is not part of the message.
    return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(`cannot read the message text from stdin (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

export function parseSendArgs(args: readonly string[]): SendCommand {
  const { values, positionals } = parseOptions(
    args,
    options,
    sendHelp,
    (option) => `. A message text that starts with '-' goes after '--', e.g. 99digital send --account 1 --conversation 42 -- "${option}"`,
  );
  const base = {
    attach: values.attach ?? [],
    baseUrl: values['base-url'],
    retry: values['no-retry'] !== true,
    mock: values.mock === true,
    json: values.json === true,
    debug: values.debug === true,
    authHeader: parseAuthHeader(values['auth-header'], sendHelp),
  };
  if (values.help === true) {
    return { ...base, help: true, params: { account_id: 0, conversation_id: 0, content: '' }, timeoutMs: undefined };
  }
  if (base.mock && base.baseUrl !== undefined) {
    throw new UsageError('--mock and --base-url cannot be used together: --mock sends to a mock server on this machine.');
  }
  const account_id = parseId('--account', values.account);
  const conversation_id = parseId('--conversation', values.conversation);
  const message_type = parseChoice('--type', values.type, requestEnums['message_type'] ?? []);
  const content_type = parseChoice('--content-type', values['content-type'], requestEnums['content_type'] ?? []);
  const timeoutMs = parseTimeout(values.timeout, sendHelp);
  if (values['echo-id'] === '') throw new UsageError('--echo-id must not be empty.');
  const stdinUsers = [positionals[0] === '-', values.attributes === '@-', values['template-params'] === '@-'].filter(Boolean);
  if (stdinUsers.length > 1) throw new UsageError('only one of the text, --attributes and --template-params can be read from stdin.');
  const params: SendFields = {
    account_id,
    conversation_id,
    content: readContent(positionals),
  };
  // Only what was asked for is sent: the server's defaults apply to the rest.
  if (message_type !== undefined) params.message_type = message_type;
  if (values.private === true) params.private = true;
  if (content_type !== undefined) params.content_type = content_type;
  if (values.attributes !== undefined) {
    params.content_attributes = readJsonArg('--attributes', values.attributes);
  }
  if (values['template-params'] !== undefined) {
    params.template_params = readJsonArg('--template-params', values['template-params']);
  }
  if (values['echo-id'] !== undefined) params.echo_id = values['echo-id'];
  return { ...base, help: false, params, timeoutMs };
}
