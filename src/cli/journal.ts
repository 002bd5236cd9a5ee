// send-batch's crash-safe journal: one JSON record a line, appended and fsync'd, so that `kill -9`
// at any moment leaves a journal that says what each line became. Before a line is sent:
// {"line":N,"hash":H,"state":"sending"}; after: "sent" (with message_id), "failed" (not delivered:
// safe to send again) or "unknown" (may have been delivered). A torn last record, from a crash in
// the middle of a write, is ignored: its line then reads as "sending", i.e. unknown, never as sent.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ConfigurationError } from '../errors/classes.js';

export type LineState = 'sending' | 'sent' | 'failed' | 'unknown';

export interface JournalRecord {
  line: number;
  hash: string;
  state: LineState;
  message_id?: number;
  error?: string;
}

const codes: Record<LineState, number> = { sending: 1, sent: 2, failed: 3, unknown: 4 };
const states: Array<LineState | undefined> = [undefined, 'sending', 'sent', 'failed', 'unknown'];

/**
 * What the journal says of each line, last record winning. Kept in typed arrays (about 17 bytes a
 * line) rather than objects, so that resuming a batch of millions of lines stays small.
 */
export class JournalState {
  private state = new Uint8Array(0);
  private hashes = new Uint32Array(0);
  private ids = new Float64Array(0);
  /** Unreadable records that were skipped (a torn write). */
  torn = 0;

  private grow(line: number): void {
    if (line < this.state.length) return;
    const size = Math.max(1024, 2 ** Math.ceil(Math.log2(line + 1)));
    const state = new Uint8Array(size);
    state.set(this.state);
    const hashes = new Uint32Array(size * 2);
    hashes.set(this.hashes);
    const ids = new Float64Array(size).fill(NaN);
    ids.set(this.ids);
    Object.assign(this, { state, hashes, ids });
  }

  apply(record: JournalRecord): void {
    this.grow(record.line);
    this.state[record.line] = codes[record.state];
    this.hashes[record.line * 2] = parseInt(record.hash.slice(0, 8), 16);
    this.hashes[record.line * 2 + 1] = parseInt(record.hash.slice(8, 16), 16);
    this.ids[record.line] = typeof record.message_id === 'number' ? record.message_id : NaN;
  }

  get(line: number): { state: LineState; hash: string; message_id: number | undefined } | undefined {
    const state = states[this.state[line] ?? 0];
    if (state === undefined) return undefined;
    const hash = [this.hashes[line * 2]!, this.hashes[line * 2 + 1]!].map((n) => n.toString(16).padStart(8, '0')).join('');
    const id = this.ids[line]!;
    return { state, hash, message_id: Number.isNaN(id) ? undefined : id };
  }
}

function isRecord(value: unknown): value is JournalRecord {
  const r = value as Partial<JournalRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isSafeInteger(r.line) &&
    (r.line as number) > 0 &&
    typeof r.hash === 'string' &&
    /^[0-9a-f]{16}$/.test(r.hash) &&
    typeof r.state === 'string' &&
    r.state in codes
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
