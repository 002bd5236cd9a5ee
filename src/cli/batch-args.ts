// `99digital send-batch <file.jsonl> ...` → what to send and how. Everything the command line can
// get wrong is found here, before a file is read or a byte is sent.
import { resolve } from 'node:path';
import { UsageError } from './exit-codes.js';
import { type AuthHeader, parseAuthHeader, parseOptions, parseTimeout } from './parse-options.js';

export interface SendBatchCommand {
  help: boolean;
  file: string;
  journal: string;
  account: number | undefined;
  perMinute: number | undefined;
  concurrency: number | undefined;
  resendUnknown: boolean;
  /** On resume, look for unknown lines in their conversations first (default; --no-reconcile turns it off). */
  reconcile: boolean;
  /** --settle-ms: how long after a line's last attempt the server may still save it (default: reconcile's). */
  settleMs: number | undefined;
  continueAfterFailure: boolean;
  dryRun: boolean;
  json: boolean;
  mock: boolean;
  baseUrl: string | undefined;
  timeoutMs: number | undefined;
  authHeader: AuthHeader | undefined;
  debug: boolean;
}

const help = '99digital send-batch --help';

const options = {
  journal: { type: 'string' },
  account: { type: 'string' },
  'per-minute': { type: 'string' },
  concurrency: { type: 'string' },
  'resend-unknown': { type: 'boolean' },
  'no-reconcile': { type: 'boolean' },
  'settle-ms': { type: 'string' },
  'continue-after-failure': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  mock: { type: 'boolean' },
  'base-url': { type: 'string' },
  timeout: { type: 'string' },
  'auth-header': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number, example: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, e.g. ${flag} ${example}; got "${raw}".`, help);
  }
  return value;
}

export function parseSendBatchArgs(args: readonly string[]): SendBatchCommand {
  const { values, positionals } = parseOptions(args, options, help);
  const flags = {
    resendUnknown: values['resend-unknown'] === true,
    reconcile: values['no-reconcile'] !== true,
    continueAfterFailure: values['continue-after-failure'] === true,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    mock: values.mock === true,
    baseUrl: values['base-url'],
    debug: values.debug === true,
    authHeader: parseAuthHeader(values['auth-header'], help),
  };
  if (values.help === true) {
    return {
      ...flags,
      help: true,
      file: '',
      journal: '',
      account: undefined,
      perMinute: undefined,
      concurrency: undefined,
      timeoutMs: undefined,
      settleMs: undefined,
    };
  }
  if (positionals.length === 0)
    throw new UsageError('missing the file of messages, e.g. 99digital send-batch messages.jsonl (one JSON object a line).', help);
  if (positionals.length > 1) throw new UsageError(`expected one file, got ${positionals.length}: ${positionals.join(' ')}.`, help);
  const file = resolve(positionals[0]!);
  if (positionals[0] === '-')
    throw new UsageError(
      'send-batch reads a file, not stdin: it reads the file twice (checks, then sends) and keeps a journal beside it.',
      help,
    );
  if (flags.mock && flags.baseUrl !== undefined) {
    throw new UsageError('--mock and --base-url cannot be used together: --mock sends to a mock server on this machine.', help);
  }
  // A run against the mock keeps its own journal: the real run after it must not skip those lines.
  const journal = resolve(values.journal ?? `${file}${flags.mock ? '.mock' : ''}.journal.jsonl`);
  if (values.journal === '') throw new UsageError('--journal needs a file name.', help);
  if (journal === file) throw new UsageError('--journal must be another file than the messages.', help);
  const account = wholeNumber('--account', values.account, 1, Number.MAX_SAFE_INTEGER, '1');
  const timeoutMs = parseTimeout(values.timeout, help);
  return {
    ...flags,
    help: false,
    file,
    journal,
    account,
    perMinute: wholeNumber('--per-minute', values['per-minute'], 0, 1_000_000, '1200'),
    concurrency: wholeNumber('--concurrency', values.concurrency, 1, 1_000, '4'),
    settleMs: wholeNumber('--settle-ms', values['settle-ms'], 0, 3_600_000, '60000'),
    timeoutMs,
  };
}
