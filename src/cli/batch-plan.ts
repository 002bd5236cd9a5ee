// What send-batch does with each line this run, from the file and the journal of earlier runs. A
// line is known by where it goes (server origin and account), its number and its text's hash;
// the same file sent to another account or server is another batch. Both passes over the file
// (the check, then the send) plan the lines the same way, through one Planner each.
import type { CreateManyItem } from '../bulk/types.js';
import { InvalidInputError } from '../errors/classes.js';
import { parseLine, readLines } from './batch-lines.js';
import { destinationOf, type JournalState } from './journal.js';

/**
 * - send: to be sent this run
 * - already_sent: the journal says an earlier run sent it
 * - unknown: an earlier run may have posted it (in flight when it stopped); not sent again
 * - held: an earlier line of its conversation is unknown, and sending this one could put the
 *   conversation out of order; sent by a later run once that line is settled
 */
export type Plan = 'send' | 'already_sent' | 'unknown' | 'held';

export interface PlannedLine {
  line: number;
  key: string | undefined;
  to: string;
  hash: string;
  plan: Plan;
  item: CreateManyItem;
  /** The id an earlier run got for it (already_sent). */
  messageId: number | undefined;
}

export interface PlanOptions {
  file: string;
  journal: string;
  account: number | undefined;
  resendUnknown: boolean;
  continueAfterFailure: boolean;
}

export class Planner {
  /** Conversations with a line kept back as unknown: their later lines wait (file order). */
  private readonly held = new Set<string>();

  constructor(
    private readonly journal: JournalState,
    private readonly origin: string,
    private readonly options: PlanOptions,
  ) {}

  /** The plan of one line's text; InvalidInputError when the line is wrong or changed since the journal. */
  plan(line: number, text: string | undefined): PlannedLine {
    if (text === undefined) throw new InvalidInputError('line', 'not UTF-8 text: save the file as UTF-8.');
    const { hash, item } = parseLine(text, line, this.options.account);
    const to = destinationOf(this.origin, item.account_id);
    const conversation = `${to} ${item.conversation_id}`;
    const entry = this.journal.get(to, line);
    if (entry !== undefined && entry.hash !== hash) {
      throw new InvalidInputError(
        'line',
        `changed since the journal ${this.options.journal} was written. Restore the file, or pass another --journal to send it as a new batch.`,
      );
    }
    let plan: Plan = 'send';
    if (entry?.state === 'sent') plan = 'already_sent';
    else if ((entry?.state === 'sending' || entry?.state === 'unknown') && !this.options.resendUnknown) {
      plan = 'unknown';
      if (!this.options.continueAfterFailure) this.held.add(conversation);
    } else if (this.held.has(conversation)) plan = 'held';
    return { line, key: item.key, to, hash, plan, item, messageId: entry?.message_id };
  }
}

export type Reading = { line: number; planned: PlannedLine } | { line: number; error: InvalidInputError };

/** Each non-blank line of the file, planned, or the reason it is wrong. */
export async function* planLines(planner: Planner, file: string, after = 0): AsyncGenerator<Reading> {
  for await (const { line, text } of readLines(file)) {
    if (line <= after || text?.trim() === '') continue;
    try {
      yield { line, planned: planner.plan(line, text) };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      yield { line, error };
    }
  }
}
