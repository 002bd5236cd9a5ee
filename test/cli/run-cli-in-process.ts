// Runs `99digital` in the test's own process: run() from src/cli/run.ts, the function the bin
// (src/cli/main.ts) hands its arguments and its stdout/stderr to, with the environment a child
// started by run-cli.ts would get. Same parsing, sending and output code as the bin, without a
// node process per case (~0.2 s CPU each). What only a process shows (the exit status as the shell
// sees it, stdin, signals, kill -9, locks held by another pid) stays with run-cli.ts: each file that
// uses this keeps real-process tests of its command.
import { run } from '../../src/cli/run.js';
import { type CliResult, cleanEnv } from './run-cli.js';

/** One run at a time: each swaps process.env for its own, which concurrent runs would see. */
let queue: Promise<unknown> = Promise.resolve();

export function runCliInProcess(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  // In here the CLI would read the test runner's own stdin, and wait on it.
  if (args.some((arg) => arg === '-' || arg === '@-')) throw new Error('a run that reads stdin needs a process: use runCli (run-cli.ts)');
  const result = queue.then(() => runWithEnv(args, options.env ?? {}));
  queue = result.catch(() => undefined);
  return result;
}

async function runWithEnv(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const saved = { ...process.env };
  // The environment a child gets (cleanEnv: no 99digital settings but the test's, NO_COLOR=1).
  const wanted = cleanEnv(env);
  for (const name of Object.keys(process.env)) if (!(name in wanted)) delete process.env[name];
  Object.assign(process.env, wanted);
  let stdout = '';
  let stderr = '';
  try {
    // As main.ts wires it: a signal (never fired here: Ctrl-C is a real-process test), stderr no TTY.
    const code = await run(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      signal: new AbortController().signal,
      stderrIsTTY: false,
    });
    return { code, stdout, stderr };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
