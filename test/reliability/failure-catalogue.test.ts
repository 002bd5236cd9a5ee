// One test per row of the README's failure catalogue, named like the row, against a real misbehaving server;
// and a check that the table and these tests list the same faults and agree on every verdict.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors/classes.js';
import { MessageType } from '../../src/index.js';
import { faults, runFault } from './faults.js';
import { linesWithToken, tokenExposures } from './token-exposure.js';

const errorClasses: Record<string, new (...args: never[]) => Error> = { ...errors };

interface Row {
  fault: string;
  outcome: string;
  retried: boolean;
  delivered: boolean;
}

function yesNo(cell: string, row: string): boolean {
  const word = /^(yes|no)\b/i.exec(cell.trim())?.[1]?.toLowerCase();
  if (word === undefined) throw new Error(`row "${row}": "${cell}" must start with yes or no`);
  return word === 'yes';
}

function readCatalogue(): Row[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Failure catalogue\n'));
  if (section === undefined) throw new Error('README.md has no "## Failure catalogue" section');
  const lines = section.split('\n').filter((line) => line.startsWith('| '));
  return lines.slice(2).map((line) => {
    const cells = line.split(' | ').map((cell) => cell.replace(/^\|\s*|\s*\|$/g, '').trim());
    const [fault = '', gets = '', retried = '', delivered = ''] = cells;
    const outcome = /`(\w+)`/.exec(gets)?.[1];
    if (outcome === undefined) throw new Error(`row "${fault}": the second cell must name the outcome in backticks`);
    return { fault, outcome, retried: yesNo(retried, fault), delivered: yesNo(delivered, fault) };
  });
}

describe('failure catalogue', () => {
  for (const fault of faults) {
    it(fault.name, async () => {
      const run = await runFault(fault);
      const { error, message } = run;

      if (fault.outcome === 'Message') {
        expect(error).toBeUndefined();
        expect(message).toMatchObject({ id: 1022, message_type: MessageType.outgoing });
      } else {
        const errorClass = errorClasses[fault.outcome];
        expect(errorClass, `${fault.outcome} is exported by src/errors.ts`).toBeDefined();
        expect(error).toBeInstanceOf(errorClass!);
        expect(error).toBeInstanceOf(errors.Digital99Error);
        expect((error as Error).name).toBe(fault.outcome);
        expect((error as errors.Digital99Error).mayHaveBeenDelivered).toBe(fault.delivered);
      }
      expect(run.requests).toHaveLength(fault.requests);
      expect(run.attempts > 1).toBe(fault.retried);
      expect(run.other.requests, 'requests that reached another origin').toEqual([]);
      expect(run.other.connectionsOpened(), 'connections to another origin').toBe(0);
      expect(tokenExposures(error)).toEqual([]);
      expect(linesWithToken(run.debugLines)).toEqual([]);
      expect(run.unhandledRejections).toEqual([]);
      fault.check?.(run);
    });
  }

  it("README's failure catalogue has one row per test above, and they agree", () => {
    const rows = readCatalogue();
    expect(rows.map((row) => row.fault)).toEqual(faults.map((fault) => fault.name));
    for (const fault of faults) {
      const row = rows.find((r) => r.fault === fault.name);
      expect(row, fault.name).toEqual({
        fault: fault.name,
        outcome: fault.outcome,
        retried: fault.retried,
        delivered: fault.delivered,
      });
    }
  });
});
