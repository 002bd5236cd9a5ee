// Runs the built `99digital` command (dist/, built by `npm test` before vitest) or the demo script
// as a child process, with an environment the test controls, and collects what it printed.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');

/** A token no output may ever contain. */
export const secretToken = 'tokSECRETdoNotPrint7f3a9c21e5';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails early, with the fix, when dist/ is missing or older than the CLI sources. */
export function checkBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` (npm test does) first.`);
  const built = statSync(cliPath).mtimeMs;
  const dir = join(root, 'src', 'cli');
  for (const name of readdirSync(dir)) {
    if (statSync(join(dir, name)).mtimeMs > built) {
      throw new Error(`dist/ is older than src/cli/${name}: run \`npm run build\` (npm test does) first.`);
    }
  }
}

/** The parent's environment without any 99digital settings, plus `env`. */
export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DIGITAL99_')));
  return { ...base, NO_COLOR: '1', ...env };
}

export function runNode(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; killAfterMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: root, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A hung child must not hang the run; the test then fails on its exit code. 50 s: a child that
    // starts Prism took up to 24 s on a loaded 2-core machine; under the 60 s those tests are given.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return runNode([cliPath, ...args], options);
}

/** Processes of this user whose environment holds `marker` (Linux /proc): what a run left behind. */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // Gone, or another user's process.
    }
  }
  return found;
}
