// What send-batch says about each line and about the run: with --json exactly one JSON row per
// non-blank line on stdout, on every run (a resume included); without, the failures on stderr and
// one summary line.
import type { Plan } from './batch-plan.js';

/**
 * A line's status in a --json row. `sent`: posted by this run. `already_sent`: posted by an earlier
 * run (the journal says so); not sent again. `failed`: not delivered; the next run sends it again.
 * `unknown`: may have been posted (by this run, or an earlier one); not sent again unless
 * --resend-unknown. `held`: not sent, because an earlier line of its conversation is unknown (the
 * conversation stays in order). `not_started`: the run was interrupted (Ctrl-C) before it; the next
 * run sends it.
 */
export type RowStatus = 'sent' | 'already_sent' | 'failed' | 'unknown' | 'held' | 'not_started';

export interface Row {
  line: number;
  key: string | undefined;
  status: RowStatus;
  message_id?: number | undefined;
  error?: string;
  /** Looking in the conversation (on resume) decided this line's outcome. */
  reconciled?: true | undefined;
  /** An unknown line that several messages could be: their ids. */
  candidates?: number[] | undefined;
}

const notSentReason: Partial<Record<Plan, string>> = {
  unknown: 'outcome unknown from an earlier run; not sent again (--resend-unknown sends it)',
  held: 'not sent: an earlier line of this conversation has an unknown outcome (--resend-unknown sends both, in order)',
};

/** The row of a line this run does not send. */
export function planRow(line: number, key: string | undefined, plan: Exclude<Plan, 'send'>, messageId: number | undefined): Row {
  if (plan === 'already_sent') return { line, key, status: 'already_sent', message_id: messageId };
  return { line, key, status: plan, error: notSentReason[plan] ?? plan };
}

export class Report {
  readonly counts: Record<RowStatus, number> = { sent: 0, already_sent: 0, failed: 0, unknown: 0, held: 0, not_started: 0 };

  constructor(
    private readonly json: boolean,
    private readonly out: (text: string) => void,
    private readonly err: (text: string) => void,
  ) {}

  row(row: Row): void {
    this.counts[row.status]++;
    if (this.json) {
      const { line, key, status, message_id, error, reconciled, candidates } = row;
      this.out(`${JSON.stringify({ line, key: key ?? null, status, message_id, error, reconciled, candidates })}\n`);
    } else if ((row.status === 'failed' || row.status === 'unknown') && row.error !== undefined) {
      // held and earlier unknown lines are listed together before the run starts.
      if (row.error !== notSentReason.unknown)
        this.err(`99digital: line ${row.line}${row.key === undefined ? '' : ` (key ${row.key})`}: ${row.error}\n`);
    }
  }

  /** One line: what became of the lines, and where the journal is. */
  summary(file: string, journal: string): string {
    const c = this.counts;
    const parts = [`${c.sent} sent`, `${c.already_sent} already sent`, `${c.failed} failed`, `${c.unknown} unknown`];
    if (c.held > 0) parts.push(`${c.held} held (behind an unknown line)`);
    if (c.not_started > 0) parts.push(`${c.not_started} not sent yet`);
    return `${file}: ${parts.join(', ')}. Journal: ${journal}\n`;
  }
}
