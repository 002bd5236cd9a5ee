// `99digital send-batch <file.jsonl>`: every line of the file checked first (nothing is sent if
// one is wrong), then sent with createMany (99digital-client/bulk), each line journaled before it is sent and
// after; running the same command again resumes from the journal. See usage.ts for the options.
import { createClient } from '../client/create-client.js';
import { checkBaseUrl, tokenEnvVar } from '../client/options.js';
import { createMany } from '../bulk/create-many.js';
import type { CreateManyItem, CreateManyResult } from '../bulk/types.js';
import { AbortedError, ConfigurationError, InvalidInputError } from '../errors/classes.js';
import type { SendBatchCommand } from './batch-args.js';
import { parseLine, readLines } from './batch-lines.js';
import { describeFailure, exitCodes, UsageError } from './exit-codes.js';
import { JournalWriter, readJournal, type JournalState } from './journal.js';
import { mockToken } from './mock-token.js';
import { Progress, type Counts } from './progress.js';

export interface BatchIo {
  out(text: string): void;
  err(text: string): void;
  signal: AbortSignal | undefined;
  /** stderr is a terminal: draw a progress bar. */
  tty: boolean;
}

/** What this run does with a line, from the journal of earlier runs. */
type Plan = 'send' | 'already-sent' | 'unknown';

interface LineMeta {
  line: number;
  hash: string;
  key: string | undefined;
  plan: Plan;
}

const help = '99digital send-batch --help';
/** How many invalid lines, or unknown ones, are listed by number. */
const listed = 20;

function planFor(journal: JournalState, line: number, hash: string, resendUnknown: boolean): Plan | { changed: true } {
  const entry = journal.get(line);
  if (entry === undefined) return 'send';
  if (entry.hash !== hash) return { changed: true };
  if (entry.state === 'sent') return 'already-sent';
  if (entry.state === 'failed') return 'send';
  return resendUnknown ? 'send' : 'unknown';
}

function oneLine(error: unknown): string {
  return describeFailure(error).line;
}

function numbers(lines: number[], total: number): string {
  return `${lines.join(', ')}${total > lines.length ? ` and ${total - lines.length} more` : ''}`;
}

/** Reads and checks every line; prints what is wrong and throws when a line is. */
async function checkFile(cmd: SendBatchCommand, journal: JournalState, io: BatchIo) {
  const plan = { lines: 0, send: 0, alreadySent: 0, unknown: [] as number[], unknownCount: 0 };
  let invalid = 0;
  try {
    for await (const { line, text } of readLines(cmd.file)) {
      if (text.trim() === '') continue;
      plan.lines++;
      try {
        const { hash } = parseLine(text, line, cmd.account);
        const what = planFor(journal, line, hash, cmd.resendUnknown);
        if (typeof what === 'object') {
          throw new InvalidInputError(
            'line',
            `changed since the journal ${cmd.journal} was written. Restore the file, or pass another --journal to send it as a new batch.`,
          );
        }
        if (what === 'send') plan.send++;
        else if (what === 'already-sent') plan.alreadySent++;
        else if (plan.unknownCount++ < listed) plan.unknown.push(line);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        if (invalid++ < listed) io.err(`99digital: ${cmd.file}:${line}: ${error.message}\n`);
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`cannot read ${cmd.file} (${code}).`, help);
    throw error;
  }
  if (invalid > 0) {
    throw new UsageError(
      `${invalid} of ${plan.lines} lines ${invalid === 1 ? 'is' : 'are'} invalid${invalid > listed ? ` (the first ${listed} are listed above)` : ''}; nothing was sent. ` +
        'Each line is a JSON object such as {"conversation_id": 42, "content": "Hello", "key": "row-1"}.',
      help,
    );
  }
  return plan;
}

export async function sendBatch(cmd: SendBatchCommand, io: BatchIo): Promise<number> {
  if (cmd.baseUrl !== undefined) checkBaseUrl(cmd.baseUrl, '--base-url', false);
  const journal = await readJournal(cmd.journal);
  if (journal.torn > 0)
    io.err(
      `99digital: ${cmd.journal}: skipped ${journal.torn} unreadable record(s), from a crash in the middle of a write; those lines count as unknown.\n`,
    );
  const plan = await checkFile(cmd, journal, io);
  if (plan.unknownCount > 0) {
    io.err(
      `99digital: ${plan.unknownCount} line(s) have an unknown outcome from an earlier run (in flight when it stopped, or the server may have posted them): ` +
        `line ${numbers(plan.unknown, plan.unknownCount)}. They are not sent again: check those conversations, then run again with --resend-unknown to send them anyway.\n`,
    );
  }
  if (!cmd.mock && !cmd.dryRun && !process.env[tokenEnvVar]) {
    throw new ConfigurationError(
      `no API access token: set ${tokenEnvVar} (find the token on your 99digital profile page), or add --mock to try against the built-in mock server.`,
    );
  }
  if (cmd.dryRun) {
    io.out(
      `${cmd.file}: ${plan.lines} lines, all valid: ${plan.send} to send, ${plan.alreadySent} already sent, ${plan.unknownCount} unknown. Nothing was sent (--dry-run).\n`,
    );
    return exitCodes.ok;
  }
  if (plan.send === 0) {
    io.out(`${cmd.file}: nothing to send (${plan.alreadySent} already sent, ${plan.unknownCount} unknown).\n`);
    return plan.unknownCount > 0 ? exitCodes.incomplete : exitCodes.ok;
  }

  let mock: { url: string; close(): Promise<void> } | undefined;
  if (cmd.mock) {
    // Loaded only for --mock: it spawns Prism, an optional peer dependency.
    const { startMockServer } = await import('../testing/index.js');
    mock = await startMockServer();
  }
  const writer = await JournalWriter.open(cmd.journal);
  try {
    const client = createClient({
      ...(cmd.timeoutMs === undefined ? {} : { timeoutMs: cmd.timeoutMs }),
      ...(mock ? { apiAccessToken: mockToken, baseUrl: mock.url } : cmd.baseUrl === undefined ? {} : { baseUrl: cmd.baseUrl }),
    });
    return await sendLines(cmd, io, client, journal, writer, plan);
  } finally {
    // A write failure was already reported by what threw it; closing only flushes what is left.
    await writer.close().catch(() => {});
    await mock?.close();
  }
}

async function sendLines(
  cmd: SendBatchCommand,
  io: BatchIo,
  client: ReturnType<typeof createClient>,
  journal: JournalState,
  writer: JournalWriter,
  plan: { send: number },
): Promise<number> {
  /** Lines read and not yet reported, by createMany's index: as many as its look-ahead. */
  const meta = new Map<number, LineMeta>();
  async function* items(): AsyncGenerator<CreateManyItem> {
    let index = 0;
    for await (const { line, text } of readLines(cmd.file)) {
      if (text.trim() === '') continue;
      let parsed: ReturnType<typeof parseLine>;
      try {
        parsed = parseLine(text, line, cmd.account);
      } catch (error) {
        throw new UsageError(
          `${cmd.file} changed while it was being sent: line ${line} is now invalid (${(error as Error).message}).`,
          help,
        );
      }
      const what = planFor(journal, line, parsed.hash, cmd.resendUnknown);
      meta.set(index++, { line, hash: parsed.hash, key: parsed.item.key, plan: typeof what === 'object' ? 'unknown' : what });
      yield parsed.item;
    }
  }

  // counts.failed (for the progress line) includes the lines whose outcome became unknown.
  const counts: Counts = { total: plan.send, sent: 0, failed: 0, skipped: 0 };
  let notDelivered = 0;
  let unknown = 0;
  let notStarted = 0;
  let journalError: unknown;
  const record = (r: Parameters<JournalWriter['record']>[0]) =>
    void writer.record(r).catch((error: unknown) => {
      journalError ??= error;
    });
  const print = (m: LineMeta, status: string, extra: { message_id?: number | undefined; error?: string }) => {
    if (cmd.json) io.out(`${JSON.stringify({ line: m.line, key: m.key ?? null, status, ...extra })}\n`);
    else if (extra.error !== undefined)
      io.err(`99digital: line ${m.line}${m.key === undefined ? '' : ` (key ${m.key})`}: ${extra.error}\n`);
  };

  const progress = new Progress(counts, io.err, io.tty);
  try {
    const results = createMany(client, items(), {
      ...(cmd.perMinute === undefined ? {} : { perMinute: cmd.perMinute }),
      ...(cmd.concurrency === undefined ? {} : { concurrency: cmd.concurrency }),
      ...(io.signal ? { signal: io.signal } : {}),
      continueAfterFailure: cmd.continueAfterFailure,
      skip: (_item, index) => meta.get(index)?.plan !== 'send',
      beforeSend: async (_item, index) => {
        const m = meta.get(index)!;
        await writer.record({ line: m.line, hash: m.hash, state: 'sending' });
      },
    });
    for await (const result of results as AsyncIterable<CreateManyResult>) {
      const m = meta.get(result.index)!;
      meta.delete(result.index);
      if (result.status === 'skipped') {
        if (m.plan === 'already-sent') {
          counts.skipped++;
          print(m, 'skipped', { message_id: journal.get(m.line)?.message_id });
        } else {
          unknown++;
          print(m, 'unknown', { error: 'outcome unknown from an earlier run; not sent again (--resend-unknown sends it)' });
        }
      } else if (result.status === 'sent') {
        counts.sent++;
        record({ line: m.line, hash: m.hash, state: 'sent', message_id: result.message.id });
        print(m, 'sent', { message_id: result.message.id });
      } else {
        const { error } = result;
        const delivered = error.mayHaveBeenDelivered;
        record({ line: m.line, hash: m.hash, state: delivered ? 'unknown' : 'failed', error: error.message });
        if (error instanceof AbortedError && !delivered && io.signal?.aborted) {
          notStarted++;
          continue;
        }
        if (delivered) unknown++;
        else notDelivered++;
        counts.failed++;
        print(m, delivered ? 'unknown' : 'failed', { error: oneLine(error) });
      }
    }
  } finally {
    progress.stop();
  }
  if (journalError !== undefined) throw journalError;

  const summary =
    `${cmd.file}: ${counts.sent} sent, ${counts.skipped} skipped (sent before), ${notDelivered} failed, ${unknown} unknown` +
    `${notStarted > 0 ? `, ${notStarted} not sent yet` : ''}. Journal: ${cmd.journal}\n`;
  if (cmd.json) io.err(`99digital: ${summary}`);
  else io.out(summary);
  if (io.signal?.aborted) {
    io.err(
      '99digital: interrupted (Ctrl-C): no line was started after it, the lines in flight were waited for, and the journal is written. ' +
        'Run the same command again to resume: lines already sent are skipped.\n',
    );
    return exitCodes.interrupted;
  }
  if (notDelivered > 0 || unknown > 0) {
    io.err(
      '99digital: not every line was sent. Run the same command again to retry the failed lines (not delivered); lines with an unknown outcome ' +
        'are not sent again unless you add --resend-unknown.\n',
    );
    return exitCodes.incomplete;
  }
  return exitCodes.ok;
}
