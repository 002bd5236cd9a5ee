// send-batch's crash-safe journal: one JSON record a line, appended and fsync'd, so that `kill -9`
// at any moment leaves a journal that says what each line became. Before a line is sent:
// {"line":N,"to":D,"hash":H,"state":"sending"}; after: "sent" (with message_id), "failed" (not
// delivered: safe to send again) or "unknown" (may have been delivered), each with `at` (when, ms),
// from which a resume reconciles unknown lines (batch-reconcile.ts). `to` is where the line
// goes (the server's origin and the account), so the same file sent to another account or server
// is another batch. A torn last record, from a crash in the middle of a write, is ignored: its
// line then reads as "sending", i.e. unknown, never as sent.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ConfigurationError } from '../errors/classes.js';

export type LineState = 'sending' | 'sent' | 'failed' | 'unknown';

export interface JournalRecord {
  line: number;
  /** Where the line is sent: `<origin> account <id>`, see destinationOf. Absent in journals of 0.1.0. */
  to?: string;
  hash: string;
  state: LineState;
  message_id?: number;
  error?: string;
  /** When it was written (ms since the epoch): a "sending" record's is when the line's attempts started. */
  at?: number;
}

export interface JournalEntry {
  state: LineState;
  hash: string;
  message_id: number | undefined;
  /** When the line's last send started (its "sending" record), for reconciling an unknown line. */
  startedAt: number | undefined;
  /** When its attempts ended, if an "unknown" record says so (a run killed in flight never wrote one). */
  endedAt: number | undefined;
}

const lineStates: readonly string[] = ['sending', 'sent', 'failed', 'unknown'];

/** A line's destination as the journal keys it: the server's origin and the account. */
export function destinationOf(origin: string, account: number): string {
  return `${origin} account ${account}`;
}

/**
 * What the journal says of each (destination, line), last record winning. A plain Map: its size
 * follows the records, not the largest line number (one record for line 100,000,000 is one entry).
 */
export class JournalState {
  private readonly entries = new Map<string, JournalEntry>();
  /** One string per destination, so that a million records do not hold a million copies of it. */
  private readonly destinations = new Map<string, string>();
  /** Unreadable records that were skipped (a torn write). */
  torn = 0;

  private keyOf(to: string, line: number): string {
    let id = this.destinations.get(to);
    if (id === undefined) this.destinations.set(to, (id = String(this.destinations.size)));
    return `${id}:${line}`;
  }

  apply(record: JournalRecord): void {
    const message_id = typeof record.message_id === 'number' ? record.message_id : undefined;
    // A record of 0.1.0 (no destination) stands for whichever destination asks: never sent twice.
    const key = this.keyOf(record.to ?? '*', record.line);
    const at = typeof record.at === 'number' && Number.isFinite(record.at) ? record.at : undefined;
    const startedAt = record.state === 'sending' ? at : this.entries.get(key)?.startedAt;
    const endedAt = record.state === 'unknown' ? at : undefined;
    this.entries.set(key, { state: record.state, hash: record.hash, message_id, startedAt, endedAt });
  }

  get(to: string, line: number): JournalEntry | undefined {
    return this.entries.get(this.keyOf(to, line)) ?? this.entries.get(this.keyOf('*', line));
  }

  get size(): number {
    return this.entries.size;
  }
}

function isRecord(value: unknown): value is JournalRecord {
  const r = value as Partial<JournalRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.line) &&
    (r.line as number) > 0 &&
    (r.to === undefined || typeof r.to === 'string') &&
    typeof r.hash === 'string' &&
    /^[0-9a-f]{16}$/.test(r.hash) &&
    typeof r.state === 'string' &&
    lineStates.includes(r.state)
  );
}

/** Reads a journal (none yet: empty), line by line. Unreadable records are counted in `torn` and skipped. */
export async function readJournal(path: string): Promise<JournalState> {
  const journal = new JournalState();
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        journal.torn++;
        continue;
      }
      if (isRecord(record)) journal.apply(record);
      else journal.torn++;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return journal;
    throw new ConfigurationError(`cannot read the journal ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  } finally {
    lines.close();
    input.destroy();
  }
  return journal;
}

/**
 * Appends records, each durable (written and fsync'd) when its promise resolves. Records that
 * arrive while a write is under way go out together in the next one (a group commit), so many
 * lines in flight cost one fsync, not one each.
 */
export class JournalWriter {
  private pending: string[] = [];
  private waiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  private flushing: Promise<void> | undefined;
  private failure: unknown;

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
  ) {}

  /** What went wrong with the journal, said so that the user knows what it means for the batch. */
  static problem(path: string, error: unknown): ConfigurationError {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return new ConfigurationError(
      `cannot write the journal ${path} (${code}). Sending stopped; lines recorded as "sending" have an unknown outcome. Free the disk or pass --journal PATH, then run again.`,
    );
  }

  static async open(path: string): Promise<JournalWriter> {
    let file: FileHandle;
    try {
      file = await open(path, 'a+');
    } catch (error) {
      throw JournalWriter.problem(path, error);
    }
    // A torn last record (no newline) must not swallow the first record appended now.
    const { size } = await file.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await file.write('\n');
    }
    return new JournalWriter(file, path);
  }

  record(record: JournalRecord): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.pending.push(`${JSON.stringify(record)}\n`);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushing ??= this.flush();
    return done;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const text = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.file.write(text);
        await this.file.datasync();
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.failure = JournalWriter.problem(this.path, error);
        for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
        this.pending = [];
        this.waiters = [];
      }
    }
    this.flushing = undefined;
  }

  /** Waits for every record to be durable, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.file.close();
    if (this.failure !== undefined) throw this.failure;
  }
}
