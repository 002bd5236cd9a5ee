// test:package: what the runs on every runtime share (the local-only npx, the mock's fate when its
// parent is killed, which runtime ran a fixture).
import { spawn } from 'node:child_process';
import { live, killGroup, appDir, orphanNotes, cell, reasonLine } from './harness.mjs';

// `npx 99digital` must run the installed bin, never fetch a registry package of that name (npm's
// `yes` may be set in the user's config). (`--no 99digital` would make npx read 99digital as --no's value.)
export const npxLocalOnly = ['--yes=false'];

/**
 * Starts the mock through the testing helper under `command`, SIGKILLs that process (a test run
 * killed by CI, say), and reports whether Prism went with it or lives on holding its port.
 */
export async function prismOutlivesKilledParent(command, args, env) {
  const child = spawn(command, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const deadline = Date.now() + 60_000;
    let pid;
    while ((pid = /MOCK_PID (\d+)/.exec(output)?.[1]) === undefined) {
      if (child.exitCode !== null || Date.now() > deadline)
        return `not measured: the mock did not start (${output.trim().split('\n').at(-1) ?? ''})`;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL'); // this process only, not its group
    const gone = Date.now() + 10_000;
    while (Date.now() < gone) {
      try {
        process.kill(Number(pid), 0);
      } catch {
        return 'stops when its parent is killed';
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return 'LIVES ON after its parent is killed with SIGKILL (close() still stops it)';
  } finally {
    killGroup(child);
    live.delete(child);
  }
}

export function orphanNote(row, result) {
  console.log(`  ${result.startsWith('stops') ? 'ok  ' : 'note'} ${row}: the mock's Prism ${result}`);
  orphanNotes.push(`${row}: ${result}`);
}

/** `node 22.23.3` etc.: each fixture prints it, proving which runtime ran it. */
export function ran(result, label, expectedText) {
  return result.code === 0 && result.stdout.includes(label) && (expectedText === undefined || result.stdout.includes(expectedText));
}

/**
 * The CLI column of a runtime that runs the installed bin itself (Bun, Deno): `--help`, then
 * `send --mock`, through `runBin(args)`; `shown` is how the row says it was run.
 */
export async function cliCell(row, runBin, shown) {
  const help = await runBin(['--help']);
  const send = await runBin(['send', '--mock', '--account', '1', '--conversation', '42', 'Hello']);
  const helpOk = help.code === 0 && help.stdout.includes('Usage: 99digital');
  const sendOk = send.code === 0 && send.stdout.trim() !== '';
  const note = helpOk && sendOk ? shown : !helpOk ? `--help: ${reasonLine(help)}` : `--help works; send --mock: ${reasonLine(send)}`;
  cell(row, 'cli', helpOk && sendOk ? 'pass' : 'fail', false, note);
}
