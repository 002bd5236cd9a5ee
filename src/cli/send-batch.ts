// `99digital send-batch <file.jsonl>`: the journal locked against a second run, every line checked
// first (nothing is sent if one is wrong), then sent with createMany (99digital-client/bulk), each line journaled
// before it is sent and after; running the same command again resumes from the journal. See
// usage.ts for the options, batch-plan.ts for what a resume does with each line.
import { stat } from 'node:fs/promises';
import { createMany } from '../bulk/create-many.js';
import { defaultPerMinute } from '../bulk/options.js';
import type { CreateManyItem, CreateManyResult } from '../bulk/types.js';
import { createClient } from '../client/create-client.js';
import { baseUrlEnvVar, checkBaseUrl, debugRequested, defaultBaseUrl, tokenEnvVar } from '../client/options.js';
import { AbortedError, ConfigurationError } from '../errors/classes.js';
import type { SendBatchCommand } from './batch-args.js';
import { lockJournal } from './batch-lock.js';
import { type PlannedLine, Planner, planLines } from './batch-plan.js';
import { type Reconciled, reconcileUnknownLines } from './batch-reconcile.js';
import { planRow, Report, type Row } from './batch-report.js';
import { preview } from './summary.js';
import { describeFailure, exitCodes, UsageError } from './exit-codes.js';
import { JournalWriter, readJournal } from './journal.js';
import { startCliMock } from './mock-start.js';
import { cliMissingTokenMessage, mockToken } from './mock-token.js';
import { Progress } from './progress.js';

export interface BatchIo {
  out(text: string): void;
  err(text: string): void;
  signal: AbortSignal | undefined;
  /** stderr is a terminal: draw a progress bar. */
  tty: boolean;
}

const help = '99digital send-batch --help';
/** How many invalid lines, or unknown ones, are listed by number. */
const listed = 20;

interface FilePlan {
  lines: number;
  send: number;
  alreadySent: number;
  held: number;
  unknown: number[];
  unknownCount: number;
}

function numbers(lines: number[], total: number): string {
  return `${lines.join(', ')}${total > lines.length ? ` and ${total - lines.length} more` : ''}`;
}

/** The server's origin as the journal keys lines: the mock's port changes every run, so "mock". */
function originOf(cmd: SendBatchCommand): string {
  if (cmd.mock) return 'mock';
  const fromEnv = process.env[baseUrlEnvVar] || undefined;
  const source = cmd.baseUrl !== undefined ? '--base-url' : fromEnv !== undefined ? baseUrlEnvVar : 'default';
  return checkBaseUrl(cmd.baseUrl ?? fromEnv ?? defaultBaseUrl, source, false).origin;
}

/** A journal that is the messages file under another name (a symlink, a hard link) would be appended to it. */
async function refuseJournalIsFile(cmd: SendBatchCommand): Promise<void> {
  const [file, journal] = await Promise.all([stat(cmd.file).catch(() => undefined), stat(cmd.journal).catch(() => undefined)]);
  if (file !== undefined && journal !== undefined && file.dev === journal.dev && file.ino === journal.ino) {
    throw new UsageError(`--journal ${cmd.journal} is the messages file itself (a link to it): pass another file.`, help);
  }
}

/** Reads and checks every line; prints what is wrong and throws when a line is. `each` sees each valid line. */
async function checkFile(cmd: SendBatchCommand, planner: Planner, io: BatchIo, each?: (p: PlannedLine) => void): Promise<FilePlan> {
  const plan: FilePlan = { lines: 0, send: 0, alreadySent: 0, held: 0, unknown: [], unknownCount: 0 };
  let invalid = 0;
  try {
    for await (const reading of planLines(planner, cmd.file)) {
      plan.lines++;
      if ('error' in reading) {
        if (invalid++ < listed) io.err(`99digital: ${cmd.file}:${reading.line}: ${describeFailure(reading.error).line}\n`);
        continue;
      }
      const { planned } = reading;
      each?.(planned);
      if (planned.plan === 'send') plan.send++;
      else if (planned.plan === 'already_sent') plan.alreadySent++;
      else if (planned.plan === 'held') plan.held++;
      else if (plan.unknownCount++ < listed) plan.unknown.push(planned.line);
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

function warnUnknown(plan: FilePlan, io: BatchIo): void {
  if (plan.unknownCount === 0) return;
  io.err(
    `99digital: ${plan.unknownCount} line(s) have an unknown outcome from an earlier run (in flight when it stopped, or the server may have posted them): ` +
      `line ${numbers(plan.unknown, plan.unknownCount)}. They are not sent again: check those conversations, then run again with --resend-unknown to send them anyway.` +
      (plan.held > 0
        ? ` ${plan.held} later line(s) of the same conversations are held back with them, so that no conversation gets its messages out of order (--continue-after-failure sends them).`
        : '') +
      '\n',
  );
}

function dryRunLine(p: PlannedLine): string {
  const what = { send: 'would send', already_sent: 'already sent', unknown: 'unknown, not sent', held: 'held, not sent' }[p.plan];
  return `line ${p.line}: conversation ${p.item.conversation_id} (account ${p.item.account_id}), ${what}: ${preview(p.item.content, 60)}\n`;
}

export async function sendBatch(cmd: SendBatchCommand, io: BatchIo): Promise<number> {
  const origin = originOf(cmd);
  await refuseJournalIsFile(cmd);
  // A dry run writes nothing, so it needs no lock; every other run holds it from reading the journal to the end.
  const lock = cmd.dryRun ? undefined : await lockJournal(cmd.journal);
  try {
    return await lockedRun(cmd, io, origin);
  } finally {
    await lock?.release();
  }
}

async function lockedRun(cmd: SendBatchCommand, io: BatchIo, origin: string): Promise<number> {
  const journal = await readJournal(cmd.journal);
  if (journal.torn > 0)
    io.err(
      `99digital: ${cmd.journal}: skipped ${journal.torn} unreadable record(s), from a crash in the middle of a write; those lines count as unknown.\n`,
    );
  const dryRun = cmd.dryRun ? (p: PlannedLine) => io.out(dryRunLine(p)) : undefined;
  let plan = await checkFile(cmd, new Planner(journal, origin, cmd), io, dryRun);
  // Unknown lines are looked for in their conversations first (batch-reconcile.ts), unless told not to.
  const reconciling = plan.unknownCount > 0 && cmd.reconcile && !cmd.resendUnknown && !cmd.dryRun;
  if (!reconciling) warnUnknown(plan, io);
  if (!cmd.mock && !cmd.dryRun && !process.env[tokenEnvVar]) {
    throw new ConfigurationError(cliMissingTokenMessage);
  }
  if (cmd.dryRun) {
    io.out(
      `${cmd.file}: ${plan.lines} lines, all valid: ${plan.send} to send, ${plan.alreadySent} already sent, ${plan.unknownCount} unknown, ${plan.held} held. Nothing was sent (--dry-run).\n`,
    );
    return exitCodes.ok;
  }
  const report = new Report(cmd.json, io.out, io.err);
  if (plan.send === 0 && !reconciling) return await reportNothingToSend(cmd, new Planner(journal, origin, cmd), report, io);
  const mock = cmd.mock ? await startCliMock(io.signal) : undefined;
  const writer = await JournalWriter.open(cmd.journal);
  try {
    const debug = cmd.debug || debugRequested() ? (line: string) => io.err(`99digital: debug: ${line}\n`) : undefined;
    const client = createClient({
      ...(cmd.timeoutMs === undefined ? {} : { timeoutMs: cmd.timeoutMs }),
      ...(cmd.authHeader === undefined ? {} : { authHeader: cmd.authHeader }),
      ...(debug === undefined ? {} : { debug }),
      ...(mock ? { apiAccessToken: mockToken, baseUrl: mock.url } : cmd.baseUrl === undefined ? {} : { baseUrl: cmd.baseUrl }),
    });
    let reconciled = new Map<number, Reconciled>();
    if (reconciling) {
      reconciled = await reconcileUnknownLines(cmd, client, journal, writer, origin, io);
      plan = await checkFile(cmd, new Planner(journal, origin, cmd), io);
      warnUnknown(plan, io);
      if (plan.send === 0) return await reportNothingToSend(cmd, new Planner(journal, origin, cmd), report, io, reconciled);
    }
    const run = new BatchRun(cmd, io, writer, report, new Planner(journal, origin, cmd), reconciled);
    return await run.send(client, plan.send);
  } finally {
    // A write failure was already reported by what threw it; closing only flushes what is left.
    await writer.close().catch(() => {});
    await mock?.close();
  }
}

/** Nothing to send: still one row per line with --json, and the summary. */
async function reportNothingToSend(
  cmd: SendBatchCommand,
  planner: Planner,
  report: Report,
  io: BatchIo,
  reconciled = new Map<number, Reconciled>(),
): Promise<number> {
  for await (const reading of planLines(planner, cmd.file)) {
    if ('planned' in reading && reading.planned.plan !== 'send') {
      const { line, key, plan, messageId } = reading.planned;
      report.row(withReconciled(planRow(line, key, plan, messageId), reconciled));
    }
  }
  const summary = `99digital: nothing to send. ${report.summary(cmd.file, cmd.journal)}`;
  if (cmd.json) io.err(summary);
  else io.out(summary.replace(/^99digital: /, ''));
  return report.counts.unknown + report.counts.held > 0 ? exitCodes.incomplete : exitCodes.ok;
}

/** A row with what reconciling decided of its line, if it did (`reconciled: true`, and an ambiguous line's candidates). */
function withReconciled(row: Row, reconciled: Map<number, Reconciled>): Row {
  const decided = reconciled.get(row.line);
  if (decided === undefined) return row;
  return { ...row, reconciled: true, ...(decided.candidates ? { candidates: decided.candidates } : {}) };
}

/** One run that sends: the file read again, line by line, into createMany, each outcome journaled and reported. */
class BatchRun {
  /** Lines handed to createMany and not yet reported, by its index: as many as its look-ahead. */
  private readonly inFlight = new Map<number, PlannedLine>();
  /** The last line read from the file: after an interruption, the lines past it were never started. */
  private lastRead = 0;
  private journalError: unknown;

  constructor(
    private readonly cmd: SendBatchCommand,
    private readonly io: BatchIo,
    private readonly writer: JournalWriter,
    private readonly report: Report,
    private readonly planner: Planner,
    /** What reconciling decided of unknown lines before this run, by line. */
    private readonly reconciled: Map<number, Reconciled>,
  ) {}

  async send(client: ReturnType<typeof createClient>, toSend: number): Promise<number> {
    const { cmd, io } = this;
    const c = this.report.counts;
    const progress = new Progress(
      () => ({ total: toSend, sent: c.sent, failed: c.failed + (c.unknown - this.unknownBefore), skipped: c.already_sent }),
      io.err,
      io.tty,
      { perMinute: cmd.perMinute ?? defaultPerMinute },
    );
    try {
      const results = createMany(client, this.items(), {
        ...(cmd.perMinute === undefined ? {} : { perMinute: cmd.perMinute }),
        ...(cmd.concurrency === undefined ? {} : { concurrency: cmd.concurrency }),
        ...(io.signal ? { signal: io.signal } : {}),
        continueAfterFailure: cmd.continueAfterFailure,
        beforeSend: async (_item, index) => {
          const p = this.inFlight.get(index)!;
          await this.writer.record({ line: p.line, to: p.to, hash: p.hash, state: 'sending', at: Date.now() });
        },
      });
      for await (const result of results as AsyncIterable<CreateManyResult>) this.settle(result);
    } finally {
      progress.stop();
    }
    if (this.journalError !== undefined) throw this.journalError;
    if (io.signal?.aborted) await this.reportNotStarted();
    return this.finish();
  }

  /** Unknown rows reported before sending (from earlier runs): not part of this run's progress. */
  private unknownBefore = 0;

  private async *items(): AsyncGenerator<CreateManyItem> {
    let index = 0;
    for await (const reading of planLines(this.planner, this.cmd.file)) {
      this.lastRead = reading.line;
      if ('error' in reading) {
        throw new UsageError(
          `${this.cmd.file} changed while it was being sent: line ${reading.line} is now invalid (${reading.error.message}).`,
          help,
        );
      }
      const p = reading.planned;
      if (p.plan !== 'send') {
        if (p.plan === 'unknown') this.unknownBefore++;
        this.report.row(withReconciled(planRow(p.line, p.key, p.plan, p.messageId), this.reconciled));
        continue;
      }
      this.inFlight.set(index++, p);
      yield p.item;
    }
  }

  private record(r: Parameters<JournalWriter['record']>[0]): void {
    void this.writer.record(r).catch((error: unknown) => {
      this.journalError ??= error;
    });
  }

  private settle(result: CreateManyResult): void {
    const p = this.inFlight.get(result.index)!;
    this.inFlight.delete(result.index);
    const at = { line: p.line, to: p.to, hash: p.hash };
    if (result.status === 'sent') {
      this.record({ ...at, state: 'sent', message_id: result.message.id });
      this.report.row(withReconciled({ line: p.line, key: p.key, status: 'sent', message_id: result.message.id }, this.reconciled));
      return;
    }
    if (result.status !== 'failed') return;
    const { error } = result;
    const delivered = error.mayHaveBeenDelivered;
    // An unknown line's `at` is when its attempts ended: a resume reconciles it from there.
    this.record({ ...at, state: delivered ? 'unknown' : 'failed', error: error.message, at: error.sent?.endedAt ?? Date.now() });
    const status =
      error instanceof AbortedError && !delivered && this.io.signal?.aborted ? 'not_started' : delivered ? 'unknown' : 'failed';
    this.report.row({ line: p.line, key: p.key, status, ...(status === 'not_started' ? {} : { error: describeFailure(error).line }) });
  }

  /** After Ctrl-C: a row for each line never read, so that every line has one. */
  private async reportNotStarted(): Promise<void> {
    for await (const reading of planLines(this.planner, this.cmd.file, this.lastRead)) {
      if ('planned' in reading) this.report.row({ line: reading.line, key: reading.planned.key, status: 'not_started' });
    }
  }

  private finish(): number {
    const { cmd, io, report } = this;
    const summary = report.summary(cmd.file, cmd.journal);
    if (cmd.json) io.err(`99digital: ${summary}`);
    else io.out(summary);
    if (io.signal?.aborted) {
      io.err(
        '99digital: interrupted (Ctrl-C): no line was started after it, the lines in flight were waited for, and the journal is written. ' +
          'Run the same command again to resume: lines already sent are skipped.\n',
      );
      return exitCodes.interrupted;
    }
    const c = report.counts;
    if (c.failed + c.unknown + c.held > 0) {
      io.err(
        '99digital: not every line was sent. Run the same command again to retry the failed lines (not delivered); lines with an unknown outcome ' +
          '(and the later lines of their conversations) are not sent again unless you add --resend-unknown.\n',
      );
      return exitCodes.incomplete;
    }
    return exitCodes.ok;
  }
}
