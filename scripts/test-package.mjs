#!/usr/bin/env node
// npm run test:package — the package as users install it. Packs the repo into a tarball, installs
// it into scratch projects outside the repo (with and without the optional peer Prism), checks the
// tarball's contents and run-time imports, runs publint and attw on it, type-checks a user's
// TypeScript (NodeNext and bundler), then runs the client, the testing helper and the `99digital`
// command on Node 20, 22 and 24, Bun and Deno; loads it with require() from CommonJS on each Node
// and type-checks a CommonJS project; runs two Cloudflare Workers in workerd. Prints a compatibility matrix, writes it to
// test-package/compatibility.md, and exits 1 if anything that must work does not.
//
// Only Node + npm + the npm registry are needed: other runtimes come from their npm packages
// (`node`, `bun`, `deno`, `workerd`) and are cached in $TMPDIR/99digital-client-runtimes (override with
// TEST_PACKAGE_RUNTIMES_DIR). `--keep` keeps the scratch folder for a look afterwards.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const keep = process.argv.includes('--keep');

// Pinned so that reruns hit the cache and results do not drift; bump by hand.
const runtimeVersions = { node20: '20.20.2', node22: '22.23.3', node24: '24.21.0', bun: '1.4.5', deno: '2.9.6', workerd: '1.20261117.1' };
/** `workerd --version` prints its build date ("workerd 2026-11-17"), not the npm version. */
const workerdBuildDate = (version) => version.replace(/^1\.(\d{4})(\d{2})(\d{2})\.\d+$/, '$1-$2-$3');
const runtimeCache = process.env.TEST_PACKAGE_RUNTIMES_DIR ?? join(tmpdir(), '99digital-client-runtimes');
// The scratch project gets the same versions the repo develops with.
const devVersion = (name) => {
  const version = manifest.devDependencies?.[name];
  if (version === undefined) throw new Error(`package.json has no devDependency ${name} to pin the scratch project's copy`);
  return version;
};

const RUN_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 300_000;
const TOTAL_BUDGET_MS = 9.5 * 60_000;
const startedAt = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Results

/** Package-level checks: { name, ok, required, detail }. */
const checks = [];
/** The matrix: row (runtime) → column → { status: 'pass' | 'fail' | 'skip', required, note }. */
const matrix = new Map();
const columns = ['client', 'testing', 'cli'];
const columnTitles = { client: 'client', testing: 'testing helper', cli: 'CLI (`99digital`)' };

function check(name, ok, detail, required = true) {
  checks.push({ name, ok, required, detail });
  console.log(`  ${ok ? 'ok  ' : required ? 'FAIL' : 'warn'} ${name}${detail ? `: ${detail}` : ''}`);
}

function cell(row, column, status, required, note = '') {
  if (!matrix.has(row)) matrix.set(row, {});
  matrix.get(row)[column] = { status, required, note };
  const word =
    status === 'pass' ? 'ok  ' : status === 'skip' ? 'skip' : status === 'na' ? 'n/a ' : required ? 'FAIL' : 'fails (not required)';
  console.log(`  ${word} ${row} × ${columnTitles[column]}${note ? `: ${note}` : ''}`);
}

async function step(title, fn) {
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

const live = new Set();

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The environment for everything we start: nothing of the repo's npm run, nor a real token. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(DIGITAL99_|npm_lifecycle_|npm_package_)/.test(key) || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

function run(command, args, { cwd, env = cleanEnv(), timeoutMs = RUN_TIMEOUT_MS } = {}) {
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
function why(result, limit = 600) {
  if (result.timedOut) return `timed out after ${seconds(result.ms)}`;
  const out = `${result.stderr}\n${result.stdout}`.trim();
  const tail = out.length > limit ? `…${out.slice(-limit)}` : out;
  return `exit ${result.code ?? result.signal}${tail ? `: ${tail}` : ''}`;
}

/** The line of a run's output that best says what went wrong (for the matrix notes). */
function reasonLine(result) {
  if (result.timedOut) return `timed out after ${seconds(result.ms)}`;
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /error|cannot|not found|unknown|unsupported|not supported|failed|denied|requires/i.test(l));
  return (telling ?? lines.at(-1) ?? `exit ${result.code}`).slice(0, 300);
}

function freePort() {
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
function removeStalePartials() {
  if (!existsSync(runtimeCache)) return;
  for (const name of readdirSync(runtimeCache)) {
    const path = join(runtimeCache, name);
    if (name.includes('.partial-') && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

async function ensureRuntime(packageName, version, binName, versionText = version) {
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
async function nodeBinary(version) {
  if (process.versions.node.split('.')[0] === version.split('.')[0]) {
    return { bin: process.execPath, version: process.versions.node, source: "the machine's own node" };
  }
  return { bin: await ensureRuntime('node', version, 'node'), version, source: `npm package node@${version}` };
}

// ---------------------------------------------------------------------------------------------
// The tarball

const workDir = mkdtempSync(join(tmpdir(), '99digital-client-package-'));
const stageDir = join(workDir, 'stage');
const packDir = join(workDir, 'pack');
const appDir = join(workDir, 'app');
const bareAppDir = join(workDir, 'app-without-prism');

// Packing runs `prepare` (the build), which rebuilds dist/ from scratch. It runs on a copy of the
// working tree, so that this test never pulls dist/ from under anyone working in the repo.
const notCopied = new Set(['node_modules', '.git', 'dist', 'docs', 'coverage', '.tmp', 'test-results']);

async function packTarball() {
  cpSync(repo, stageDir, {
    recursive: true,
    filter: (source) => {
      const top = relative(repo, source).split(/[\\/]/)[0];
      return !notCopied.has(top) && !top.endsWith('.tgz');
    },
  });
  symlinkSync(join(repo, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
  mkdirSync(packDir);
  const pack = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: stageDir, timeoutMs: 300_000 });
  if (pack.code !== 0) throw new Error(`npm pack failed: ${why(pack, 4000)}`);
  const [info] = JSON.parse(pack.stdout);
  return { ...info, tarball: join(packDir, info.filename) };
}

/** Every file the manifest points at (exports, bin, types) must be in the tarball. */
function manifestTargets() {
  const targets = new Set(['package.json', 'README.md']);
  const walk = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  walk(manifest.types);
  return [...targets];
}

// What a user never needs: sources, tests, scripts, fixtures, configs, source maps.
const unwanted = [
  [/^(src|generated|test|tests|scripts|test-package|bench|docs|coverage|\.ci|\.github)\//, 'repo-only folder'],
  [/\.map$/, 'source map'],
  [/(?<!\.d)\.ts$/, 'TypeScript source'],
  [/\.(test|spec|bench)\.[cm]?[jt]s$/, 'test file'],
  [/(^|\/)(tsconfig[^/]*\.json|vitest\.config\.[cm]?[jt]s|redocly\.yaml|package-lock\.json|\.npmrc|\.env[^/]*)$/, 'config'],
  [/\.tsbuildinfo$/, 'build cache'],
  [/\.tgz$/, 'tarball'],
];

function checkFileList(info) {
  const files = info.files.map((f) => f.path);
  const missing = manifestTargets().filter((f) => !files.includes(f));
  check(
    'every exports/bin/types target and README.md is in the tarball',
    missing.length === 0,
    missing.length ? `missing: ${missing.join(', ')}` : '',
  );
  const extra = files.flatMap((f) => unwanted.filter(([re]) => re.test(f)).map(([, what]) => `${f} (${what})`));
  check('nothing repo-only is in the tarball', extra.length === 0, extra.length ? extra.join(', ') : `${files.length} files`);
  const license = files.some((f) => /^(license|licence)(\.|$)/i.test(f));
  check(`a LICENSE file ships with the "${manifest.license}" licence`, license, license ? '' : 'no LICENSE file in the repo root', false);
  return files;
}

/** The bin file must start with a shebang, or `npx 99digital` cannot run it. */
function checkBin(installedPackageDir) {
  for (const [name, target] of Object.entries(manifest.bin ?? {})) {
    const file = join(installedPackageDir, target);
    const firstLine = existsSync(file) ? readFileSync(file, 'utf8').split('\n')[0] : undefined;
    check(
      `bin ${name} (${target}) starts with #!/usr/bin/env node`,
      firstLine === '#!/usr/bin/env node',
      firstLine === undefined ? 'file missing' : firstLine,
    );
  }
}

/**
 * The bare imports of each entry point, found by esbuild following the relative imports of the
 * installed dist/ (dynamic `import('x')` with a literal included). Each must be a node: builtin, a
 * dependency, or (outside the main entry) an optional peer dependency: never only a devDependency.
 */
async function checkRuntimeImports(installedPackageDir) {
  const { build } = await import('esbuild');
  const entries = {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const file = typeof target === 'string' ? target : (target.default ?? target.import);
    if (typeof file === 'string' && /\.[cm]?js$/.test(file)) entries[subpath] = file;
  }
  for (const [name, target] of Object.entries(manifest.bin ?? {})) entries[`bin ${name}`] = target;

  const deps = manifest.dependencies ?? {};
  const peers = manifest.peerDependencies ?? {};
  const optionalPeer = (name) => peers[name] !== undefined && manifest.peerDependenciesMeta?.[name]?.optional === true;
  const used = new Set();
  const summary = [];
  for (const [entry, file] of Object.entries(entries)) {
    const path = join(installedPackageDir, file);
    if (!existsSync(path)) {
      check(`run-time imports of ${entry}`, false, `${file} is not in the package`);
      continue;
    }
    const result = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const bare = new Set();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imp of input.imports) if (imp.external) bare.add(imp.path);
    }
    const problems = [];
    const builtins = [];
    for (const specifier of [...bare].sort()) {
      if (specifier.startsWith('node:')) {
        builtins.push(specifier);
        continue;
      }
      if (builtinModules.includes(specifier)) {
        problems.push(`"${specifier}" is a Node builtin without the node: prefix (Deno and bundlers want node:${specifier})`);
        continue;
      }
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      used.add(name);
      if (deps[name] !== undefined) continue;
      if (optionalPeer(name) && entry !== '.') continue;
      if (optionalPeer(name)) problems.push(`${name} is an optional peer, but the main entry imports it`);
      else if (manifest.devDependencies?.[name] !== undefined)
        problems.push(`${name} is needed at run time but only a devDependency: move it to dependencies`);
      else problems.push(`${name} is imported but not declared in dependencies`);
    }
    const packages = [...bare].filter((s) => !s.startsWith('node:'));
    summary.push(
      `${entry}: ${[...packages, ...(builtins.length ? [`${builtins.length} node: builtins`] : [])].join(', ') || 'no imports'}`,
    );
    check(
      `run-time imports of ${entry} are all declared`,
      problems.length === 0,
      problems.join('; ') || `${packages.join(', ') || 'no packages'}${builtins.length ? ` + ${builtins.join(', ')}` : ''}`,
    );
  }
  const unused = Object.keys(deps).filter((name) => !used.has(name));
  check('every dependency is imported by some entry', unused.length === 0, unused.length ? `unused: ${unused.join(', ')}` : '', false);
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Scratch projects

async function installApp(dir, tarball, extra) {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2)}\n`);
  // The example files the runs use (not the compatibility report).
  cpSync(join(repo, 'test-package'), dir, { recursive: true, filter: (source) => basename(source) !== 'compatibility.md' });
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...extra], {
    cwd: dir,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (install.code !== 0) throw new Error(`npm install in ${dir} failed: ${why(install, 4000)}`);
}

/** A Prism mock of the packaged openapi.yaml, started by this Node, for the Bun and Deno runs. */
async function startSharedMock() {
  const prismDir = join(appDir, 'node_modules', '@stoplight', 'prism-cli');
  const prismManifest = JSON.parse(readFileSync(join(prismDir, 'package.json'), 'utf8'));
  const prismBin = join(prismDir, typeof prismManifest.bin === 'string' ? prismManifest.bin : prismManifest.bin.prism);
  const spec = join(appDir, 'node_modules', '99digital-client', 'openapi.yaml');
  const port = await freePort();
  const child = spawn(process.execPath, [prismBin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '--errors', '--no-multiprocess'], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Prism is listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child);
      throw new Error(`Prism did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      killGroup(child);
      live.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The runs

// `npx 99digital` must run the installed bin, never fetch a registry package of that name (npm's
// `yes` may be set in the user's config). (`--no 99digital` would make npx read 99digital as --no's value.)
const npxLocalOnly = ['--yes=false'];

/**
 * Starts the mock through the testing helper under `command`, SIGKILLs that process (a test run
 * killed by CI, say), and reports whether Prism went with it or lives on holding its port.
 */
async function prismOutlivesKilledParent(command, args, env) {
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

function orphanNote(row, result) {
  console.log(`  ${result.startsWith('stops') ? 'ok  ' : 'note'} ${row}: the mock's Prism ${result}`);
  orphanNotes.push(`${row}: ${result}`);
}

/** `node 22.23.3` etc.: each fixture prints it, proving which runtime ran it. */
function ran(result, label, expectedText) {
  return result.code === 0 && result.stdout.includes(label) && (expectedText === undefined || result.stdout.includes(expectedText));
}

async function runNode(node, mockUrl) {
  const row = `Node ${node.version}`;
  const label = `node ${node.version}`;
  // First on PATH: `npx` and the bin's `#!/usr/bin/env node` then run on this Node.
  const env = cleanEnv({ PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH}` });

  const client = await run(node.bin, ['client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(row, 'client', ran(client, `${label}: client:`) ? 'pass' : 'fail', true, ran(client, label) ? '' : why(client));

  const example = await run(node.bin, ['example.mjs'], { cwd: appDir, env });
  cell(row, 'testing', ran(example, `${label}: testing helper + client:`) ? 'pass' : 'fail', true, ran(example, label) ? '' : why(example));
  const orphan = await prismOutlivesKilledParent(node.bin, ['mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const help = await run('npx', [...npxLocalOnly, '99digital', '--help'], { cwd: appDir, env });
  const send =
    help.code === 0
      ? await run('npx', [...npxLocalOnly, '99digital', 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], {
          cwd: appDir,
          env,
        })
      : undefined;
  const helpOk = help.code === 0 && help.stdout.includes('Usage: 99digital');
  const sendOk = send?.code === 0 && send.stdout.trim() !== '';
  cell(row, 'cli', helpOk && sendOk ? 'pass' : 'fail', true, !helpOk ? `--help: ${why(help)}` : !sendOk ? `send --mock: ${why(send)}` : '');

  // CommonJS: require() of the package (an ES module) through Node's require(esm), no flags.
  const cjsRow = `${row}, CommonJS \`require()\``;
  const cjs = await run(node.bin, ['require.cjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  // Node prints an ExperimentalWarning for require(esm) on some versions: say so, it is what users see.
  const warned = /ExperimentalWarning[^\n]*/.exec(cjs.stderr)?.[0];
  cell(
    cjsRow,
    'client',
    ran(cjs, `${label}: require client:`) ? 'pass' : 'fail',
    true,
    ran(cjs, `${label}: require client:`) ? (warned ? `node require.cjs, which prints "${warned.trim()}"` : '') : why(cjs),
  );
  cell(
    cjsRow,
    'testing',
    ran(cjs, `${label}: require testing helper:`) ? 'pass' : 'fail',
    true,
    ran(cjs, `${label}: require client:`) ? '' : 'not reached',
  );
  cell(cjsRow, 'cli', 'na', false);
  return { help, send };
}

/**
 * Cloudflare Workers: two Workers bundled from the installed package (as wrangler does, with
 * esbuild and the workerd/worker/browser conditions) and served by workerd on loopback. One sends a
 * message to a node:http server of this process, which records what arrived; the other calls the
 * testing helper, which must refuse with a ConfigurationError (no child processes on Workers).
 */
async function runWorkers(workerd) {
  const row = `Cloudflare Workers (workerd ${workerd.version})`;
  const { build } = await import('esbuild');
  const { createServer: createHttpServer } = await import('node:http');
  const dir = join(appDir, 'workers');
  for (const name of ['client-worker', 'testing-worker']) {
    await build({
      entryPoints: [join(dir, `${name}.mjs`)],
      outfile: join(dir, `${name}.bundle.js`),
      absWorkingDir: appDir,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      // With nodejs_compat (the default from compatibility date 2026-08-04) workerd provides node:*.
      external: ['node:*'],
      logLevel: 'silent',
    });
  }

  // The server the Worker sends to: it records each request and answers a message (then a 404).
  const received = [];
  const target = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const found = received.length === 1;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json', 'x-request-id': `workers-${received.length}` });
      res.end(
        JSON.stringify(
          found
            ? { id: 4242, content: 'Hello from a Worker', message_type: 1, created_at: 1764096000, private: false, conversation_id: 42 }
            : { error: 'Resource could not be found' },
        ),
      );
    });
  });
  await new Promise((done) => target.listen(0, '127.0.0.1', done));
  const targetUrl = `http://127.0.0.1:${target.address().port}`;
  const [clientPort, testingPort] = [await freePort(), await freePort()];
  const token = 'workersTestToken123456';

  // The client Worker gets no nodejs_compat (an older compatibility date, no flag): only web APIs.
  // Its outbound fetches go to a network service that allows loopback addresses ("local").
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "client", worker = .clientWorker),
    (name = "testing", worker = .testingWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "client", address = "127.0.0.1:${clientPort}", http = (), service = "client"),
    (name = "testing", address = "127.0.0.1:${testingPort}", http = (), service = "testing"),
  ],
);
const clientWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "client-worker.bundle.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
  bindings = [(name = "TARGET", text = "${targetUrl}"), (name = "TOKEN", text = "${token}")],
);
const testingWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "testing-worker.bundle.js")],
  compatibilityDate = "2026-11-01",
);
`,
  );

  const child = spawn(workerd.bin, ['serve', join(dir, 'config.capnp')], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const ask = async (port) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(20_000) });
        return { status: response.status, body: await response.json() };
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`workerd did not answer on port ${port}: ${error.message}; its log: ${log.slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  try {
    // The client Worker: what the server received, and what the Worker made of the answers.
    const problems = [];
    let answer;
    try {
      answer = await ask(clientPort);
    } catch (error) {
      problems.push(error.message);
    }
    const [first, second] = received;
    if (answer) {
      const b = answer.body;
      if (!b.ok) problems.push(`the Worker threw ${b.name}: ${b.message}`);
      else {
        if (b.userAgent !== 'Cloudflare-Workers') problems.push(`navigator.userAgent is ${b.userAgent}: not workerd?`);
        if (b.id !== 4242 || b.status !== 200 || b.requestId !== 'workers-1')
          problems.push(`withResponse gave ${JSON.stringify({ id: b.id, status: b.status, requestId: b.requestId })}`);
        if (!(b.error?.name === 'NotFoundError' && b.error.isApiError && b.error.status === 404 && b.error.requestId === 'workers-2'))
          problems.push(`the 404 became ${JSON.stringify(b.error)}`);
      }
      if (first?.method !== 'POST' || first.url !== '/api/v1/accounts/1/conversations/42/messages')
        problems.push(`the server got ${first ? `${first.method} ${first.url}` : 'nothing'}`);
      else {
        if (first.headers['api_access_token'] !== token)
          problems.push(`api_access_token header was ${JSON.stringify(first.headers['api_access_token'])}`);
        if (!String(first.headers['content-type']).startsWith('application/json'))
          problems.push(`content-type ${first.headers['content-type']}`);
        const sent = JSON.parse(first.body || '{}');
        if (sent.content !== 'Hello from a Worker' || sent.message_type !== 'outgoing' || 'account_id' in sent)
          problems.push(`body ${first.body}`);
      }
      if (second?.url !== '/api/v1/accounts/1/conversations/404/messages') problems.push('the second request did not arrive');
    }
    cell(
      row,
      'client',
      problems.length === 0 ? 'pass' : 'fail',
      true,
      problems.length === 0
        ? `workerd serve, Worker bundled by esbuild, no nodejs_compat${answer?.body.hasProcess ? '' : ' (no process global)'}`
        : problems.join('; '),
    );

    // The testing Worker: the helper must refuse with the package's ConfigurationError.
    let refusal;
    try {
      refusal = (await ask(testingPort)).body;
    } catch (error) {
      refusal = { started: false, message: error.message };
    }
    const clear =
      refusal.started === false && refusal.isConfigurationError === true && /cannot start child processes/.test(refusal.message);
    cell(
      row,
      'testing',
      'fail',
      false,
      clear ? `startMockServer throws ConfigurationError: "${refusal.message}"` : `NOT a clear error: ${JSON.stringify(refusal)}`,
    );
    check(
      'Workers: 99digital-client/testing fails with a ConfigurationError saying why (no child processes)',
      clear,
      clear ? '' : JSON.stringify(refusal),
    );
    cell(row, 'cli', 'na', false);
  } finally {
    killGroup(child);
    live.delete(child);
    await new Promise((done) => target.close(done));
    target.closeAllConnections?.();
  }

  // Without nodejs_compat (a compatibility date before 2026-08-04 and no flag) the node: imports of
  // the testing entry cannot load at all: workerd refuses the Worker at startup, naming the module.
  writeFileSync(
    join(dir, 'no-compat.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "testing", worker = (modules = [(name = "worker.js", esModule = embed "testing-worker.bundle.js")], compatibilityDate = "2025-09-01"))],
  sockets = [(name = "testing", address = "127.0.0.1:${await freePort()}", http = (), service = "testing")],
);
`,
  );
  const noCompat = await run(workerd.bin, ['serve', join(dir, 'no-compat.capnp')], { cwd: dir, timeoutMs: 20_000 });
  const named = /No such module "node:/.exec(noCompat.stderr + noCompat.stdout);
  notes.push(
    named && noCompat.code !== 0
      ? `Cloudflare Workers without nodejs_compat: a Worker importing 99digital-client/testing is refused by workerd at startup (${reasonLine(noCompat)})`
      : `Cloudflare Workers without nodejs_compat: expected workerd to refuse the testing entry at startup, got ${why(noCompat)}`,
  );
}

async function runBun(bun, mockUrl) {
  const version = bun.version;
  const row = `Bun ${version}`;
  const label = `bun ${version}`;
  const env = cleanEnv({ DO_NOT_TRACK: '1' });

  const client = await run(bun.bin, ['client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(
    row,
    'client',
    ran(client, `${label}: client:`) ? 'pass' : 'fail',
    true,
    ran(client, `${label}: client:`) ? 'bun client.mjs' : why(client),
  );

  const example = await run(bun.bin, ['example.mjs'], { cwd: appDir, env });
  cell(
    row,
    'testing',
    ran(example, `${label}: testing helper`) ? 'pass' : 'fail',
    false,
    ran(example, label) ? 'bun example.mjs' : reasonLine(example),
  );
  const orphan = await prismOutlivesKilledParent(bun.bin, ['mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const binPath = join('node_modules', '.bin', '99digital');
  const help = await run(bun.bin, [binPath, '--help'], { cwd: appDir, env });
  const send = await run(bun.bin, [binPath, 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], { cwd: appDir, env });
  const helpOk = help.code === 0 && help.stdout.includes('Usage: 99digital');
  const sendOk = send.code === 0 && send.stdout.trim() !== '';
  cell(
    row,
    'cli',
    helpOk && sendOk ? 'pass' : 'fail',
    false,
    helpOk && sendOk
      ? 'bun node_modules/.bin/99digital'
      : !helpOk
        ? `--help: ${reasonLine(help)}`
        : `--help works; send --mock: ${reasonLine(send)}`,
  );
}

async function runDeno(deno, mockUrl) {
  const version = deno.version;
  const row = `Deno ${version}`;
  const label = `deno ${version}`;
  const env = cleanEnv({ DENO_DIR: join(runtimeCache, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' });
  // The scratch project's package.json + node_modules (npm installed the tarball there): Deno
  // cannot take a local tarball through an npm: specifier, and the package is not on the registry.
  const base = ['run', '--no-lock', '--node-modules-dir=manual'];

  // The least a Deno user grants: the mock's address, and the two variables createClient reads.
  const perms = [`--allow-net=${new URL(mockUrl).host}`, '--allow-env=DIGITAL99_API_ACCESS_TOKEN,DIGITAL99_BASE_URL'];
  const permsShown = perms.join(' ').replace(/:\d+/, ':<port>');
  const client = await run(deno.bin, [...base, ...perms, 'client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(
    row,
    'client',
    ran(client, `${label}: client:`) ? 'pass' : 'fail',
    true,
    ran(client, `${label}: client:`) ? `deno run ${permsShown} client.mjs` : why(client),
  );

  const example = await run(deno.bin, [...base, '--allow-all', 'example.mjs'], { cwd: appDir, env });
  cell(
    row,
    'testing',
    ran(example, `${label}: testing helper`) ? 'pass' : 'fail',
    false,
    ran(example, label) ? 'deno run -A example.mjs' : reasonLine(example),
  );
  const orphan = await prismOutlivesKilledParent(deno.bin, [...base, '--allow-all', 'mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const binPath = join('node_modules', '.bin', '99digital');
  const help = await run(deno.bin, [...base, '--allow-all', binPath, '--help'], { cwd: appDir, env });
  const send = await run(deno.bin, [...base, '--allow-all', binPath, 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], {
    cwd: appDir,
    env,
  });
  const helpOk = help.code === 0 && help.stdout.includes('Usage: 99digital');
  const sendOk = send.code === 0 && send.stdout.trim() !== '';
  cell(
    row,
    'cli',
    helpOk && sendOk ? 'pass' : 'fail',
    false,
    helpOk && sendOk
      ? 'deno run -A node_modules/.bin/99digital'
      : !helpOk
        ? `--help: ${reasonLine(help)}`
        : `--help works; send --mock: ${reasonLine(send)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The report

/** One line of at most 400 characters: the console has the whole text. */
function short(text) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

function matrixMarkdown(packInfo, notes, orphanNotes) {
  const mark = (c) => {
    if (c === undefined) return 'not run';
    if (c.status === 'pass') return 'yes';
    if (c.status === 'skip') return 'not run';
    if (c.status === 'na') return '–';
    return c.required ? '**FAIL**' : 'no';
  };
  const lines = [
    '| runtime | ' + columns.map((c) => columnTitles[c]).join(' | ') + ' |',
    '| --- | ' + columns.map(() => '---').join(' | ') + ' |',
  ];
  for (const [row, cells] of matrix) lines.push(`| ${row} | ${columns.map((c) => mark(cells[c])).join(' | ')} |`);
  const why = [];
  for (const [row, cells] of matrix) {
    for (const c of columns) {
      const x = cells[c];
      if (x?.note)
        why.push(
          `- ${row}, ${columnTitles[c]}: ${x.status === 'pass' ? 'ran as' : x.required ? 'FAILED:' : 'does not work:'} ${short(x.note)}`,
        );
    }
  }
  const packageLines = checks.map(
    (c) => `- ${c.ok ? 'ok' : c.required ? '**FAIL**' : 'warning'}: ${c.name}${c.detail ? ` (${short(c.detail)})` : ''}`,
  );
  return [
    '# Compatibility of the installed package',
    '',
    'Written by `npm run test:package` (scripts/test-package.mjs) from its last full run; do not edit by hand.',
    'Each runtime ran the package installed from its packed tarball in a scratch project outside the',
    'repo. Must work: the client on every runtime (Workers included) and from CommonJS on every Node;',
    'the testing helper (`99digital-client/testing`, which spawns Prism) and the CLI on every Node; on',
    'Workers the testing helper must fail with a ConfigurationError that says why.',
    '',
    ...lines,
    '',
    '## How each cell ran, and why a cell says no',
    '',
    '- Node rows: `node client.mjs`, `node example.mjs`, `npx 99digital --help` and',
    '  `npx 99digital send --mock --account 1 --conversation 42 "Hello"`, with that Node first on PATH.',
    "- CommonJS rows: `node require.cjs`, no flags: `require('99digital-client')` sends to the mock, then",
    "  `require('99digital-client/testing')` starts its own; the CLI is not a CommonJS matter (–).",
    '- Cloudflare Workers row: two Workers bundled from the installed package with esbuild (as wrangler',
    '  does) and served by `workerd serve`; the client Worker sends to a node:http server of the harness',
    '  on loopback, which checks the path, the api_access_token header and the JSON body, and the',
    '  Worker checks the message (`.withResponse()`) and a 404 (NotFoundError with its request id).',
    ...why,
    '- The client runs talk to a Prism mock started by the harness on Node; the testing-helper runs',
    '  start their own through `startMockServer()` under the runtime in the row.',
    ...notes.map((n) => `- ${n}`),
    '',
    "## Does the mock's Prism stop when the test process is killed (SIGKILL)?",
    '',
    ...orphanNotes.map((n) => `- ${n}`),
    '',
    '## The package',
    '',
    `- \`${packInfo.filename}\`: ${packInfo.entryCount} files, ${(packInfo.size / 1024).toFixed(1)} kB packed, ${(packInfo.unpackedSize / 1024).toFixed(1)} kB unpacked`,
    ...packageLines,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

const budget = setTimeout(() => {
  console.error(`\ntest:package: over its ${seconds(TOTAL_BUDGET_MS)} budget; stopping everything.`);
  cleanup();
  process.exit(1);
}, TOTAL_BUDGET_MS);
budget.unref();

let sharedMock;
function cleanup() {
  sharedMock?.close();
  for (const child of live) killGroup(child);
  if (!keep) rmSync(workDir, { recursive: true, force: true });
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    cleanup();
    process.exit(code);
  });
}

const notes = [];
const orphanNotes = [];
let packInfo;
try {
  console.log(`test:package: scratch folder ${workDir}${keep ? ' (kept)' : ''}; runtimes cached in ${runtimeCache}`);

  // The runtimes download while the package is packed and installed.
  removeStalePartials();
  const runtimesReady = Promise.allSettled([
    nodeBinary(runtimeVersions.node20),
    nodeBinary(runtimeVersions.node22),
    nodeBinary(runtimeVersions.node24),
    ensureRuntime('bun', runtimeVersions.bun, 'bun').then((bin) => ({ bin, version: runtimeVersions.bun })),
    ensureRuntime('deno', runtimeVersions.deno, 'deno').then((bin) => ({ bin, version: runtimeVersions.deno })),
    ensureRuntime('workerd', runtimeVersions.workerd, 'workerd', workerdBuildDate(runtimeVersions.workerd)).then((bin) => ({
      bin,
      version: runtimeVersions.workerd,
    })),
  ]);
  runtimesReady.catch(() => {}); // settled below

  packInfo = await step('npm pack (on a copy of the working tree; runs prepare → build)', packTarball);
  console.log(
    `  ${packInfo.filename}: ${packInfo.entryCount} files, ${packInfo.size} bytes packed, ${packInfo.unpackedSize} bytes unpacked`,
  );

  await step('tarball contents', () => checkFileList(packInfo));

  await step('install the tarball into scratch projects (with Prism + TypeScript, and without Prism)', async () => {
    const peer = `@stoplight/prism-cli@${manifest.peerDependencies?.['@stoplight/prism-cli'] ?? devVersion('@stoplight/prism-cli')}`;
    await Promise.all([
      installApp(appDir, packInfo.tarball, [peer, `typescript@${devVersion('typescript')}`, `@types/node@${devVersion('@types/node')}`]),
      installApp(bareAppDir, packInfo.tarball, []),
    ]);
  });
  const installedPackage = join(appDir, 'node_modules', manifest.name);

  await step('run-time imports of the installed dist/', async () => {
    checkBin(installedPackage);
    notes.push(...(await checkRuntimeImports(installedPackage)).map((line) => `imports of ${line}`));
  });

  await step('publint and attw on the tarball (lint:package)', async () => {
    const publint = await run(join(repo, 'node_modules', '.bin', 'publint'), ['run', packInfo.tarball, '--strict'], { cwd: workDir });
    check(
      'publint --strict',
      publint.code === 0 && !/\b(error|warning)\b/i.test(publint.stdout + publint.stderr),
      publint.code === 0 ? (publint.stdout.trim().split('\n').at(-1) ?? '') : why(publint, 3000),
    );
    // An ES module that CommonJS loads with require() on Node >= 20.19 (require(esm); engines says
    // so, and the CommonJS runs below prove it). attw does not know require(esm) and calls that
    // "dynamic import only" (cjs-resolves-to-esm): that one rule is ignored, every other check of
    // the node16 resolutions (from CommonJS and from ESM) and bundlers stands. node10 (left out by
    // the node16 profile) ignores "exports": it finds the main entry's types, not ./testing's.
    // openapi.yaml is exported as a file to read, not a module to import: attw has nothing to check.
    const attwArgs = ['--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--exclude-entrypoints', './openapi.yaml'];
    const attw = await run(
      join(repo, 'node_modules', '.bin', 'attw'),
      [packInfo.tarball, ...attwArgs, '--no-color', '--no-emoji', '--format', 'table'],
      { cwd: workDir },
    );
    check(
      `attw ${attwArgs.join(' ')}`,
      attw.code === 0,
      attw.code === 0 ? 'no problems for node16 (from CommonJS and ESM) and bundler' : why(attw, 3000),
    );
  });

  await step("type-check a user's TypeScript (strict; NodeNext, and bundler without @types/node)", async () => {
    const tsc = join(appDir, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
      const result = await run(process.execPath, [tsc, '-p', join('types', config)], { cwd: appDir });
      check(`tsc -p types/${config} (with @ts-expect-error lines)`, result.code === 0, result.code === 0 ? '' : why(result, 3000));
    }
    // A CommonJS project (cjs/package.json: "type": "commonjs").
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.commonjs.json']) {
      const result = await run(process.execPath, [tsc, '-p', join('cjs', config)], { cwd: appDir });
      check(
        `CommonJS project: tsc -p cjs/${config}`,
        result.code === 0,
        result.code === 0
          ? config.includes('commonjs')
            ? 'main entry (node10 resolution ignores exports)'
            : 'main and ./testing'
          : why(result, 3000),
      );
    }
    // "module": "node16" refuses to type a require() of an ES module (TS1479) whatever Node allows:
    // checked, so that the README's advice (use nodenext) stays true.
    const node16 = await run(process.execPath, [tsc, '-p', join('cjs', 'tsconfig.node16.json')], { cwd: appDir });
    check(
      'CommonJS project: "module": "node16" fails with TS1479, as the README says (use nodenext)',
      node16.code !== 0 && /TS1479/.test(node16.stdout),
      node16.code === 0 ? 'it now passes: update the README' : '',
      false,
    );
  });

  await step('without the optional peer Prism', async () => {
    const prismThere = existsSync(join(bareAppDir, 'node_modules', '@stoplight', 'prism-cli'));
    const result = await run(process.execPath, ['no-peer.mjs'], { cwd: bareAppDir });
    check(
      'testing helper without Prism says what to install',
      !prismThere && result.code === 0,
      prismThere
        ? 'npm installed Prism anyway: nothing tested'
        : result.code === 0
          ? result.stdout.trim().replace(/^node [\d.]+: /, '')
          : why(result),
    );
    const help = await run('npx', [...npxLocalOnly, '99digital', '--help'], { cwd: bareAppDir });
    check('99digital --help without Prism', help.code === 0 && help.stdout.includes('Usage: 99digital'), help.code === 0 ? '' : why(help));
    const send = await run('npx', [...npxLocalOnly, '99digital', 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], {
      cwd: bareAppDir,
    });
    const saysWhat = send.code !== 0 && send.stderr.includes('npm install -D @stoplight/prism-cli@');
    check('99digital send --mock without Prism fails saying what to install', saysWhat, saysWhat ? `exit ${send.code}` : why(send));
  });

  // Everything after this point needs the runtimes.
  const settled = await step('runtimes (npm packages node, bun, deno; cached)', async () => {
    const all = await runtimesReady;
    const names = ['Node', 'Node', 'Node', 'Bun', 'Deno', 'workerd'];
    all.forEach((r, i) => {
      console.log(`  ${r.status === 'fulfilled' ? `${names[i]}: ${r.value.bin}` : `${names[i]}: ${r.reason.message}`}`);
      if (r.status === 'fulfilled')
        notes.push(`${names[i]} ${r.value.version}: ${r.value.source ?? `npm package ${names[i].toLowerCase()}@${r.value.version}`}`);
    });
    return all;
  });

  sharedMock = await step('a Prism mock (started by this Node) for the client runs', startSharedMock);
  console.log(`  ${sharedMock.url}`);

  const [n20, n22, n24, bun, deno, workerd] = settled;
  for (const [i, r] of [n20, n22, n24].entries()) {
    const wanted = Object.values(runtimeVersions)[i];
    if (r.status === 'rejected') {
      for (const c of columns) cell(`Node ${wanted}`, c, 'fail', true, r.reason.message);
      continue;
    }
    await step(`Node ${r.value.version} (${r.value.source})`, () => runNode(r.value, sharedMock.url));
  }
  if (bun.status === 'fulfilled') await step(`Bun ${bun.value.version}`, () => runBun(bun.value, sharedMock.url));
  else cell(`Bun ${runtimeVersions.bun}`, 'client', 'fail', true, bun.reason.message);
  if (deno.status === 'fulfilled') await step(`Deno ${deno.value.version}`, () => runDeno(deno.value, sharedMock.url));
  else cell(`Deno ${runtimeVersions.deno}`, 'client', 'fail', true, deno.reason.message);
  if (workerd.status === 'fulfilled') await step(`Cloudflare Workers (workerd ${workerd.value.version})`, () => runWorkers(workerd.value));
  else cell(`Cloudflare Workers (workerd ${runtimeVersions.workerd})`, 'client', 'fail', true, workerd.reason.message);
} catch (error) {
  check('test:package ran to the end', false, error instanceof Error ? error.message : String(error));
} finally {
  sharedMock?.close();
}

const failed = [
  ...checks.filter((c) => c.required && !c.ok).map((c) => c.name),
  ...[...matrix].flatMap(([row, cells]) =>
    columns.filter((c) => cells[c]?.required && cells[c].status === 'fail').map((c) => `${row} × ${columnTitles[c]}`),
  ),
];

if (packInfo !== undefined && matrix.size > 0) {
  const markdown = matrixMarkdown(packInfo, notes, orphanNotes);
  writeFileSync(join(repo, 'test-package', 'compatibility.md'), markdown);
  console.log(`\n${markdown}`);
  console.log('(written to test-package/compatibility.md)');
}
console.log(`\ntest:package: ${seconds(Date.now() - startedAt)} in all.`);
cleanup();
clearTimeout(budget);
if (failed.length > 0) {
  console.error(`test:package: FAILED: ${failed.join('; ')}`);
  process.exit(1);
}
console.log('test:package: everything that must work works.');
