// Runs Prism (@stoplight/prism-cli) as a child process on a loopback port: finds it, starts it,
// waits until it answers HTTP, and stops it. Internal: startMockServer (index.ts) and
// scripts/contract.mjs (proxy mode) build on it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../errors/classes.js';
import { sleep } from '../internal/sleep.js';
import { PrismStartError } from './errors.js';

export const PRISM_PACKAGE = '@stoplight/prism-cli';
export const PRISM_VERSION = '5.14.2';
export const PRISM_INSTALL_COMMAND = `npm install -D ${PRISM_PACKAGE}@${PRISM_VERSION}`;

/** How long Prism may take to answer HTTP after it was spawned (it usually takes 1–3 s). */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long close() waits after SIGTERM before it sends SIGKILL. */
const KILL_GRACE_MS = 3_000;
const POLL_INTERVAL_MS = 100;
const LOG_TAIL_CHARS = 8_000;

/**
 * Loaded into the Prism process before Prism itself (`node --import`): Prism's stdin is a pipe from
 * this process, and it closes when this process dies, however it dies (even SIGKILL). Prism then
 * exits instead of living on as an orphan that holds the port.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  "const s=process.stdin;s.on('end',()=>process.exit(0));s.on('error',()=>process.exit(0));s.resume();s.unref?.();",
)}`;

/**
 * The path of Prism's CLI script. Looks for the package from each of `searchFrom` (absolute file
 * paths or file: URLs; resolution starts in their directory) in turn.
 */
export function resolvePrismBin(searchFrom: readonly string[]): string {
  for (const base of searchFrom) {
    let packageJsonPath: string;
    try {
      packageJsonPath = createRequire(base).resolve(`${PRISM_PACKAGE}/package.json`);
    } catch {
      continue;
    }
    const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['prism'];
    if (bin !== undefined) return resolve(dirname(packageJsonPath), bin);
  }
  throw new ConfigurationError(
    `The 99digital mock server runs Prism, an optional peer dependency that is not installed. Install it: ${PRISM_INSTALL_COMMAND}`,
  );
}

/** A TCP port that was free on `host` a moment ago (the OS picks it). */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port assigned')) : resolvePort(port)));
    });
  });
}

/** `http://host:port`, with brackets around IPv6 hosts; wildcard hosts are reached on loopback. */
export function httpUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export interface StartPrismOptions {
  /** The Prism command and its positional arguments: `['mock', spec]` or `['proxy', spec, upstream]`. */
  command: readonly string[];
  host: string;
  /** A fixed port; when absent a free one is picked (and another one tried if it gets taken). */
  port?: number | undefined;
  /** Pass `--errors`: violations become error responses instead of just an `sl-violations` header. */
  errors: boolean;
  /** Further Prism flags, e.g. `--dynamic`. */
  flags?: readonly string[] | undefined;
  /** Where to look for Prism (see resolvePrismBin). */
  searchFrom: readonly string[];
  startTimeoutMs?: number | undefined;
}

export interface PrismProcess {
  /** Where Prism listens, e.g. `http://127.0.0.1:53127` (no trailing slash). */
  readonly url: string;
  /** Prism's process id. */
  readonly pid: number;
  /** Settles when the Prism process has ended, whatever ended it. Never rejects. */
  readonly exited: Promise<void>;
  /** The end of Prism's output (stdout and stderr, colors removed). */
  log(): string;
  /** Stops Prism (SIGTERM, then SIGKILL after a grace period); resolves once it has exited. Idempotent. */
  close(): Promise<void>;
}

/** Starts Prism and resolves once it answers HTTP on its port. */
export async function startPrism(options: StartPrismOptions): Promise<PrismProcess> {
  const bin = resolvePrismBin(options.searchFrom);
  // A port picked by us can be taken by someone else before Prism binds it: then pick another.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort(options.host));
    try {
      return await launch(bin, options, port);
    } catch (error) {
      const portTaken = error instanceof PrismStartError && error.log.includes('EADDRINUSE');
      if (attempt < attempts && portTaken) continue;
      throw error;
    }
  }
}

// Prism processes still running, killed if this process exits while they run.
const running = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
let exitHookInstalled = false;
function killRunningOnExit(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Spawns Prism, then waits until it answers on its port; stops it when it does not. */
async function launch(bin: string, options: StartPrismOptions, port: number): Promise<PrismProcess> {
  const url = httpUrl(options.host, port);
  const child = spawn(nodeExecutable(), prismArgs(bin, options, port), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
    windowsHide: true,
  });
  const output = captureOutput(child);
  const ending = watchEnd(child);
  const close = closer(child, ending);
  await waitUntilListening(url, output, ending, close, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const pid = child.pid;
  if (pid === undefined) throw new PrismStartError('Prism has no process id.', output.log(), null);
  return { url, pid, exited: ending.exited, log: output.log, close };
}

function prismArgs(bin: string, options: StartPrismOptions, port: number): string[] {
  return [
    '--import',
    EXIT_WITH_PARENT,
    bin,
    ...options.command,
    '-h',
    options.host,
    '-p',
    String(port),
    // Prism forks a worker when NODE_ENV=production: keep one process, so that killing it stops it.
    '--no-multiprocess',
    ...(options.errors ? ['--errors'] : []),
    ...(options.flags ?? []),
  ];
}

interface Output {
  /** Everything kept so far (colors included). */
  text(): string;
  /** The end of it, colors removed. */
  log(): string;
}

function captureOutput(child: ChildProcess): Output {
  let output = '';
  const record = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4 * LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  // Nobody writes to Prism's stdin; an EPIPE there after Prism exits is not an error of ours.
  child.stdin?.on('error', () => {});
  return { text: () => output, log: () => stripAnsi(output).slice(-LOG_TAIL_CHARS).trim() };
}

interface Ending {
  readonly exited: Promise<void>;
  /** How the process ended; undefined while it runs. */
  how(): { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
}

/** Follows the process to its end, and kills it if this process exits first. */
function watchEnd(child: ChildProcess): Ending {
  let ended: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
  const exited = new Promise<void>((resolveExited) => {
    // 'close', not 'exit': it comes once Prism's output has been read to the end, so the log is whole.
    child.once('close', (code, signal) => {
      ended ??= { code, signal };
      resolveExited();
    });
    child.on('error', (error) => {
      // The process could not be spawned at all (then no 'close' may follow), or could not be killed.
      if (child.pid === undefined || child.exitCode !== null) {
        ended ??= { code: null, signal: null, error };
        resolveExited();
      }
    });
  });
  void exited.then(() => running.delete(child));
  running.add(child);
  if (!exitHookInstalled) {
    process.on('exit', killRunningOnExit);
    exitHookInstalled = true;
  }
  return { exited, how: () => ended };
}

/** close(): SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. Idempotent. */
function closer(child: ChildProcess, ending: Ending): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      if (ending.how() !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      await ending.exited;
      clearTimeout(timer);
    })();
    return closing;
  };
}

async function waitUntilListening(
  url: string,
  output: Output,
  ending: Ending,
  close: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = ending.how();
    if (ended !== undefined) {
      const how = ended.error
        ? `could not be started (${ended.error.message})`
        : ended.signal !== null
          ? `was killed by ${ended.signal}`
          : `exited with code ${String(ended.code)}`;
      throw new PrismStartError(`Prism ${how} before it answered on ${url}.`, output.log(), ended.code);
    }
    // Ready when Prism itself says it listens (so the port is ours, not another server's) and it
    // answers HTTP there.
    if (output.text().includes('Prism is listening on') && (await answersPreflight(url))) return;
    if (Date.now() > deadline) {
      await close();
      throw new PrismStartError(`Prism did not answer on ${url} within ${timeoutMs} ms; it was stopped.`, output.log(), null);
    }
    await Promise.race([sleep(POLL_INTERVAL_MS), ending.exited]);
  }
}

/**
 * Prism is a Node program: run it on this Node, or, when this process runs on Bun or Deno (whose
 * executables take other flags), on the `node` found on PATH.
 */
function nodeExecutable(): string {
  const onOtherRuntime = 'bun' in process.versions || 'Deno' in globalThis;
  return onOtherRuntime ? 'node' : process.execPath;
}

/**
 * A CORS preflight: Prism answers it itself (204) in both mock and proxy mode, so the probe never
 * reaches an upstream server.
 */
async function answersPreflight(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/`, {
      method: 'OPTIONS',
      headers: { origin: url, 'access-control-request-method': 'POST' },
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status === 204;
  } catch {
    return false;
  }
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
