// What the process exit code says, and the one line printed on stderr for each failure.
import {
  AbortedError,
  ApiError,
  ConfigurationError,
  ConnectionError,
  Digital99Error,
  InvalidInputError,
  UnexpectedResponseError,
} from '../errors/classes.js';

export const exitCodes = {
  ok: 0,
  /** A bug in 99digital itself: anything not foreseen below. */
  internal: 1,
  usage: 2,
  api: 3,
  network: 4,
  /** send-batch: some lines failed or have an unknown outcome. */
  incomplete: 5,
  /** send-batch: another run is sending the same batch (its journal is locked); nothing was sent. */
  locked: 6,
  interrupted: 130,
} as const;

/** A mistake on the command line, found before anything was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The help to point to: the command's own, or the global one. */
  readonly help: string;
  constructor(message: string, help = '99digital send --help') {
    super(message);
    this.help = help;
  }
}

/** The flag each request field comes from, so that an input error names what the user typed. */
const flagOfField: Record<string, string> = {
  content_attributes: '--attributes',
  template_params: '--template-params',
  echo_id: '--echo-id',
  attachments: '--attach',
  account_id: '--account',
  conversation_id: '--conversation',
  content: 'the message text',
};

/** A tag that states whether the message may have been posted, however the message put it. */
function deliveredTag(error: Digital99Error): string {
  return error.mayHaveBeenDelivered ? '[may have been delivered]' : '[not delivered]';
}

function oneLine(text: string): string {
  // PrismStartError appends Prism's log after a newline: the first line says what happened.
  const [first = ''] = text.split('\n--- ');
  return first.replace(/\s*\n\s*/g, ' ').trim();
}

/** The library's advice, in the CLI's words: the CLI has flags where the library has options. */
function cliAdvice(message: string): string {
  return message.replace(/use createClient\(\{ authHeader: '([\w-]+)' \}\)/, 'add --auth-header $1');
}

export function describeFailure(error: unknown): { code: number; line: string } {
  if (error instanceof Error && 'exitCode' in error && error.exitCode === exitCodes.locked) {
    return { code: exitCodes.locked, line: oneLine(error.message) };
  }
  if (error instanceof UsageError) return { code: exitCodes.usage, line: oneLine(`${error.message} See '${error.help}'.`) };
  if (error instanceof InvalidInputError) {
    const flag = flagOfField[error.field.split(/[.[]/)[0] ?? ''];
    const needs = /is required when content_type is "(\w+)"/.exec(error.message)?.[1];
    if (flag === '--attributes' && needs !== undefined) {
      return {
        code: exitCodes.usage,
        line: `--content-type ${needs} needs --attributes <json|@file>: the message's content_attributes (the items of ${needs}). See '99digital send --help'.`,
      };
    }
    return { code: exitCodes.usage, line: oneLine(flag ? `invalid ${flag}: ${error.message}` : error.message) };
  }
  if (error instanceof ConfigurationError) return { code: exitCodes.usage, line: oneLine(error.message) };
  if (error instanceof ApiError) return { code: exitCodes.api, line: oneLine(`${cliAdvice(error.message)} ${deliveredTag(error)}`) };
  if (error instanceof AbortedError) {
    return { code: exitCodes.interrupted, line: oneLine(`interrupted (Ctrl-C). ${error.message} ${deliveredTag(error)}`) };
  }
  if (error instanceof ConnectionError || error instanceof UnexpectedResponseError) {
    return { code: exitCodes.network, line: oneLine(`${error.message} ${deliveredTag(error)}`) };
  }
  if (error instanceof Digital99Error) return { code: exitCodes.internal, line: oneLine(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: exitCodes.internal, line: oneLine(`unexpected error (a bug in 99digital, please report it): ${message}`) };
}
