// test:package's harness: where things live (repo, scratch folders, pinned runtime versions), the
// results (checks and the compatibility matrix), child processes in their own process groups, and
// the runtimes installed from their npm packages into a cache.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
export const keep = process.argv.includes('--keep');

// Pinned so that reruns hit the cache and results do not drift; bump by hand.
export const runtimeVersions = {
  node20: '20.20.2',
  node22: '22.23.3',
  node24: '24.21.0',
  bun: '1.4.5',
  deno: '2.9.6',
  workerd: '1.20261117.1',
};
/** `workerd --version` prints its build date ("workerd 2026-11-17"), not the npm version. */
export const workerdBuildDate = (version) => version.replace(/^1\.(\d{4})(\d{2})(\d{2})\.\d+$/, '$1-$2-$3');
export const runtimeCache = process.env.TEST_PACKAGE_RUNTIMES_DIR ?? join(tmpdir(), '99digital-client-runtimes');
// The scratch project gets the same versions the repo develops with.
export const devVersion = (name) => {
  const version = manifest.devDependencies?.[name];
  if (version === undefined) throw new Error(`package.json has no devDependency ${name} to pin the scratch project's copy`);
  return version;
};

export const RUN_TIMEOUT_MS = 120_000;
export const INSTALL_TIMEOUT_MS = 300_000;
export const TOTAL_BUDGET_MS = 9.5 * 60_000;
export const startedAt = Date.now();
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Results

/** Package-level checks: { name, ok, required, detail }. */
export const checks = [];
/** The matrix: row (runtime) → column → { status: 'pass' | 'fail' | 'skip', required, note }. */
export const matrix = new Map();
export const columns = ['client', 'testing', 'cli'];
export const columnTitles = { client: 'client', testing: 'testing helper', cli: 'CLI (`99digital`)' };

export function check(name, ok, detail, required = true) {
  checks.push({ name, ok, required, detail });
  console.log(`  ${ok ? 'ok  ' : required ? 'FAIL' : 'warn'} ${name}${detail ? `: ${detail}` : ''}`);
}

export function cell(row, column, status, required, note = '') {
  if (!matrix.has(row)) matrix.set(row, {});
  matrix.get(row)[column] = { status, required, note };
  const word =
    status === 'pass' ? 'ok  ' : status === 'skip' ? 'skip' : status === 'na' ? 'n/a ' : required ? 'FAIL' : 'fails (not required)';
  console.log(`  ${word} ${row} × ${columnTitles[column]}${note ? `: ${note}` : ''}`);
}

export async function step(title, fn) {
  const t0 = Date.now();
  console.log(`\n▶ ${title}`);
  try {
    return await fn();
  } finally {
    console.log(`  (${seconds(Date.now() - t0)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes: each in its own process group, so that a timeout (or our exit) also stops what
// it started (Prism).

export const live = new Set();

export function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The environment for everything we start: nothing of the repo's npm run, nor a real token. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(DIGITAL99_|npm_lifecycle_|npm_package_)/.test(key) || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

export function run(command, args, { cwd, env = cleanEnv(), timeoutMs = RUN_TIMEOUT_MS } = {}) {
  const t0 = Date.now();
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    const finish = (code, signal, error) => {
      clearTimeout(timer);
      live.delete(child);
      // Whatever the command left running in its group (a Prism it did not stop) goes with it.
      if (child.pid !== undefined) killGroup(child);
      resolveRun({ code, signal, stdout, stderr: error ? `${stderr}${error.message}` : stderr, timedOut, ms: Date.now() - t0 });
    };
    child.once('error', (error) => finish(null, null, error));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Why a run failed, in one short paragraph: the end of its output. */
export function why(result, limit = 600) {
  if (result.timedOut) return `timed out after ${seconds(result.ms)}`;
  const out = `${result.stderr}\n${result.stdout}`.trim();
  const tail = out.length > limit ? `…${out.slice(-limit)}` : out;
  return `exit ${result.code ?? result.signal}${tail ? `: ${tail}` : ''}`;
}

/** The line of a run's output that best says what went wrong (for the matrix notes). */
export function reasonLine(result) {
  if (result.timedOut) return `timed out after ${seconds(result.ms)}`;
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /error|cannot|not found|unknown|unsupported|not supported|failed|denied|requires/i.test(l));
  return (telling ?? lines.at(-1) ?? `exit ${result.code}`).slice(0, 300);
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Runtimes, installed from the npm registry into a cache that outlives this run.

/** Half-installed cache entries left by runs that were killed (an hour is far past any install). */
export function removeStalePartials() {
  if (!existsSync(runtimeCache)) return;
  for (const name of readdirSync(runtimeCache)) {
    const path = join(runtimeCache, name);
    if (name.includes('.partial-') && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

export async function ensureRuntime(packageName, version, binName, versionText = version) {
  const dir = join(runtimeCache, `${packageName}-${version}`);
  const bin = join(dir, 'node_modules', '.bin', binName);
  if (existsSync(join(dir, '.complete'))) return bin;
  mkdirSync(runtimeCache, { recursive: true });
  // Installed beside the cache entry, then renamed into place: a killed run leaves no half entry.
  const partial = mkdtempSync(join(runtimeCache, `${packageName}-${version}.partial-`));
  writeFileSync(join(partial, 'package.json'), '{ "private": true }\n');
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `${packageName}@${version}`],
    {
      cwd: partial,
      timeoutMs: INSTALL_TIMEOUT_MS,
    },
  );
  const probe = install.code === 0 ? await run(join(partial, 'node_modules', '.bin', binName), ['--version'], { cwd: partial }) : undefined;
  if (install.code !== 0 || probe?.code !== 0 || !probe.stdout.includes(versionText)) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`could not install ${packageName}@${version} from the npm registry: ${why(probe ?? install)}`);
  }
  writeFileSync(join(partial, '.complete'), `${packageName}@${version}\n`);
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run put it there first
  }
  return bin;
}

/** Node at `version`: this very node when its major version matches, else the `node` package. */
export async function nodeBinary(version) {
  if (process.versions.node.split('.')[0] === version.split('.')[0]) {
    return { bin: process.execPath, version: process.versions.node, source: "the machine's own node" };
  }
  return { bin: await ensureRuntime('node', version, 'node'), version, source: `npm package node@${version}` };
}

export const workDir = mkdtempSync(join(tmpdir(), '99digital-client-package-'));
export const stageDir = join(workDir, 'stage');
export const packDir = join(workDir, 'pack');
export const appDir = join(workDir, 'app');
export const bareAppDir = join(workDir, 'app-without-prism');

/** Lines for the report's notes, and what each runtime's mock does when its parent is killed. */
export const notes = [];
export const orphanNotes = [];
