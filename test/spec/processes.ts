// Is a process still there? For checks that Prism is really gone after close().
import { readdirSync, readFileSync } from 'node:fs';

/** True while a process with this pid exists (a zombie counts: it has not been reaped). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Pids of processes whose command line contains `text` (Linux /proc); undefined where /proc is not
 * available, so callers can skip that part of a check.
 */
export function processesMentioning(text: string): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) pids.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return pids;
}
