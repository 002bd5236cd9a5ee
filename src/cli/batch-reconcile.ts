// send-batch's first step on a resume: each line an earlier run left unknown (in flight when it was
// killed, or an answer that left it open) is looked for in its conversation with
// client.messages.reconcile, from the line's text and the journal's times. Found → journaled as
// sent; not there once the server can no longer be saving it → journaled as failed (not delivered),
// so this run sends it again, in file order; several candidates → left unknown and listed.
import type { Digital99Client } from '../client/create-client.js';
import { ConnectionError, Digital99Error } from '../errors/classes.js';
import { fingerprintOf } from '../messages/delivery-match.js';
import type { SendBatchCommand } from './batch-args.js';
import { type PlannedLine, Planner, planLines } from './batch-plan.js';
import { describeFailure } from './exit-codes.js';
import type { JournalState, JournalWriter } from './journal.js';

/** What reconciling decided for a line, for its --json row. */
export interface Reconciled {
  outcome: 'delivered' | 'not_delivered' | 'ambiguous';
  candidates?: number[];
}

/** Lines looked for at once: each mostly waits (the settle time); this bounds the listings in flight. */
const atOnce = 16;

/** The unknown lines of the file, in file order. */
async function unknownLines(cmd: SendBatchCommand, journal: JournalState, origin: string): Promise<PlannedLine[]> {
  const found: PlannedLine[] = [];
  for await (const reading of planLines(new Planner(journal, origin, { ...cmd, continueAfterFailure: true }), cmd.file)) {
    if ('planned' in reading && reading.planned.plan === 'unknown') found.push(reading.planned);
  }
  return found;
}

/**
 * Reconciles the unknown lines, journaling what it decides (and applying it to `journal`, so that
 * the plan made after it sees it). Returns each decided line's outcome, by line number.
 */
export async function reconcileUnknownLines(
  cmd: SendBatchCommand,
  client: Digital99Client,
  journal: JournalState,
  writer: JournalWriter,
  origin: string,
  io: { err(text: string): void; signal: AbortSignal | undefined },
): Promise<Map<number, Reconciled>> {
  const lines = await unknownLines(cmd, journal, origin);
  const decided = new Map<number, Reconciled>();
  if (lines.length === 0) return decided;
  const settle = cmd.settleMs === undefined ? '' : ` (settle time ${cmd.settleMs} ms)`;
  io.err(`99digital: looking for ${lines.length} line(s) with an unknown outcome in their conversations${settle}…\n`);
  let stopped: Digital99Error | undefined;

  async function one(p: PlannedLine): Promise<void> {
    if (stopped) return;
    const entry = journal.get(p.to, p.line);
    // A run killed in flight wrote no end: now is the latest it can have ended. Without a start
    // (a journal of 0.1.0), any time since the epoch.
    const sent = fingerprintOf(p.item as Record<string, unknown>, entry?.startedAt ?? 0, entry?.endedAt ?? Date.now());
    const lost = new ConnectionError(`line ${p.line}: outcome unknown from an earlier run.`, { mayHaveBeenDelivered: true });
    Object.defineProperty(lost, 'sent', { value: sent });
    const at = { line: p.line, to: p.to, hash: p.hash };
    try {
      const result = await client.messages.reconcile(lost, {
        ...(cmd.settleMs === undefined ? {} : { settleMs: cmd.settleMs }),
        ...(io.signal ? { signal: io.signal } : {}),
      });
      if (result.outcome === 'delivered') {
        const record = { ...at, state: 'sent' as const, message_id: result.message.id, at: Date.now() };
        await writer.record(record);
        journal.apply(record);
        decided.set(p.line, { outcome: 'delivered' });
      } else if (result.outcome === 'not_delivered') {
        const record = { ...at, state: 'failed' as const, error: 'not delivered (looked for in the conversation)', at: Date.now() };
        await writer.record(record);
        journal.apply(record);
        decided.set(p.line, { outcome: 'not_delivered' });
      } else {
        const candidates = result.candidates.map((m) => m.id);
        decided.set(p.line, { outcome: 'ambiguous', candidates });
        io.err(
          `99digital: line ${p.line}: ${result.reason}; candidates: message ${candidates.join(', ') || '(none read)'}. ` +
            'Not sent again: check the conversation, then --resend-unknown sends it anyway.\n',
        );
      }
    } catch (error) {
      if (!(error instanceof Digital99Error) || stopped) throw error;
      // The same failure would meet every line (a bot token, the server down): said once, and no more looking.
      stopped = error;
      io.err(
        `99digital: could not look in the conversations, so the unknown lines stay unknown (--no-reconcile skips looking): ${describeFailure(error).line}\n`,
      );
    }
  }

  let next = 0;
  const worker = async () => {
    while (next < lines.length && !io.signal?.aborted) await one(lines[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, lines.length) }, worker));
  return decided;
}
