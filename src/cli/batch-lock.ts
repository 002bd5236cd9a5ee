// The lock that keeps two send-batch runs off one journal (they would both send the lines the
// journal does not yet call sent): `<journal>.lock`, created exclusively (O_EXCL), holding the
// owner's pid. A lock whose pid is no longer running (a run killed with SIGKILL, a crash) is stale
// and taken over, so a crash never leaves a batch stuck. A plain pid file rather than
// proper-lockfile: no dependency, and a dead owner is known at once instead of after a staleness
// timeout kept fresh by a timer. (Same machine only: pids mean nothing across hosts, see README.)
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ConfigurationError } from '../errors/classes.js';
import { exitCodes } from './exit-codes.js';

/** The batch is being sent by another run: refused at once, with its own exit code. */
export class BatchLockedError extends Error {
  override name = 'BatchLockedError';
  readonly exitCode = exitCodes.locked;
}

export interface BatchLock {
  release(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file, if the file holds one written by this machine. */
async function ownerOf(path: string): Promise<{ pid: number; host: string } | undefined> {
  try {
    const [pid, host = ''] = (await readFile(path, 'utf8')).trim().split(' ');
    return Number.isSafeInteger(Number(pid)) && Number(pid) > 0 ? { pid: Number(pid), host } : undefined;
  } catch {
    return undefined;
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'wx');
    await file.writeFile(`${process.pid} ${hostname()}\n`);
    await file.close();
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ConfigurationError(
      `cannot create the journal's lock ${path} (${code ?? String(error)}); nothing was sent. Check the folder, or pass --journal PATH.`,
    );
  }
}

/** Takes the lock of `journal`, or throws BatchLockedError naming the run that holds it. */
export async function lockJournal(journal: string): Promise<BatchLock> {
  const path = `${journal}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path)) return { release: () => unlink(path).catch(() => {}) };
    const owner = await ownerOf(path);
    // Being written this very moment (empty), or alive: someone else's run.
    if (owner === undefined || owner.host !== hostname() || isRunning(owner.pid)) {
      const who = owner === undefined ? 'another run' : `process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}`;
      throw new BatchLockedError(
        `${journal} is in use by ${who}, which is sending this batch now: wait for it to finish (or stop it), then run again. ` +
          `If no such run exists, delete ${path}.`,
      );
    }
    // Stale: its run died without releasing it.
    await unlink(path).catch(() => {});
  }
  throw new BatchLockedError(`${journal} is being locked by another run at this moment: run again when it has finished.`);
}
