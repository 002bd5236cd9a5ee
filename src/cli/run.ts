// The `99digital` command: arguments in, one message sent, an exit code out. Kept apart from
// main.ts (which wires it to the process) so that it never touches process.exit or signals.
import { createClient } from '../client/create-client.js';
import { ConfigurationError } from '../errors/classes.js';
import type { CreateMessageParams, Message } from '../messages/types.js';
import type { AttachmentInput } from '../messages/multipart.js';
import { checkBaseUrl, debugRequested, tokenEnvVar } from '../client/options.js';
import { createRedactor } from '../errors/redaction.js';
import { readAttachments } from './attachments.js';
import { describeFailure, exitCodes, UsageError } from './exit-codes.js';
import { parseSendBatchArgs } from './batch-args.js';
import { startCliMock } from './mock-start.js';
import { cliMissingTokenMessage, mockToken } from './mock-token.js';
import { parseSendArgs, type SendCommand } from './send-args.js';
import { sendBatch } from './send-batch.js';
import { summarize } from './summary.js';
import { globalUsage, sendBatchUsage, sendUsage } from './usage.js';
import { versionLine } from './version.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Fires on Ctrl-C: the request in flight is aborted and the mock server stopped (send-batch: no line starts after it). */
  signal?: AbortSignal;
  /** stderr is a terminal (send-batch draws a progress bar there). */
  stderrIsTTY?: boolean;
}

/**
 * Nothing this command prints may contain the token, whatever a server echoes back, however short it
 * is. (A token too short to be real is refused before anything is sent, see client/options.ts.)
 */
function redactor(secret: string | undefined): (text: string) => string {
  if (secret === undefined || secret === '') return (text) => text;
  return createRedactor(secret).text;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const redact = redactor(process.env[tokenEnvVar]);
  const out = (text: string) => io.stdout(redact(text));
  const err = (text: string) => io.stderr(redact(text));
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      err(globalUsage);
      return exitCodes.usage;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      out(rest[0] === 'send' ? sendUsage : rest[0] === 'send-batch' ? sendBatchUsage : globalUsage);
      return exitCodes.ok;
    }
    if (command === '-v' || command === '--version') {
      out(`${versionLine()}\n`);
      return exitCodes.ok;
    }
    if (command === 'send-batch') {
      const batch = parseSendBatchArgs(rest);
      if (batch.help) {
        out(sendBatchUsage);
        return exitCodes.ok;
      }
      return await sendBatch(batch, { out, err, signal: io.signal, tty: io.stderrIsTTY === true });
    }
    if (command !== 'send') {
      throw new UsageError(
        command.startsWith('-') ? `unknown option '${command}'.` : `unknown command "${command}"; the commands are send and send-batch.`,
        '99digital --help',
      );
    }
    const cmd = parseSendArgs(rest);
    if (cmd.help) {
      out(sendUsage);
      return exitCodes.ok;
    }
    const message = await send(cmd, io.signal, err);
    out(cmd.json ? `${JSON.stringify(message, null, 2)}\n` : `${summarize(message)}\n${cmd.mock ? mockNote : ''}`);
    return exitCodes.ok;
  } catch (error) {
    const { code, line } = describeFailure(error);
    err(`99digital: ${line}\n`);
    return code;
  }
}

const mockNote = '  (sent to the built-in mock server: it checked the request against openapi.yaml and answered as the server would)\n';

async function send(cmd: SendCommand, signal: AbortSignal | undefined, err: (text: string) => void): Promise<Message> {
  if (!cmd.mock && !process.env[tokenEnvVar]) {
    throw new ConfigurationError(cliMissingTokenMessage);
  }
  if (cmd.baseUrl !== undefined) checkBaseUrl(cmd.baseUrl, '--base-url', false);
  const attachments: AttachmentInput[] = readAttachments(cmd.attach);
  // --debug, or DIGITAL99_DEBUG=1 as for the library.
  const debug = cmd.debug || debugRequested() ? (line: string) => err(`99digital: debug: ${line}\n`) : undefined;
  const params = { ...cmd.params, ...(attachments.length > 0 ? { attachments } : {}) } as CreateMessageParams;
  const requestOptions = signal === undefined ? {} : { signal };
  const clientOptions = {
    timeoutMs: cmd.timeoutMs,
    retry: cmd.retry ? undefined : (false as const),
    debug,
    ...(cmd.authHeader === undefined ? {} : { authHeader: cmd.authHeader }),
  };

  if (!cmd.mock) {
    const client = createClient({ ...clientOptions, ...(cmd.baseUrl === undefined ? {} : { baseUrl: cmd.baseUrl }) });
    return client.messages.create(params, requestOptions);
  }
  const mock = await startCliMock(signal);
  debug?.(`mock server (Prism) listening on ${mock.url}`);
  try {
    const client = createClient({
      ...clientOptions,
      apiAccessToken: mockToken,
      baseUrl: mock.url,
    });
    return await client.messages.create(params, requestOptions);
  } finally {
    await mock.close();
  }
}
