#!/usr/bin/env node
// Request benchmark: the built client (dist/) against raw fetch, bare openapi-fetch and
// undici.request, on a loopback server that answers like the real one (bench/server.mjs).
//   node scripts/bench.mjs                       npm run bench: the request table, then --speed, ~5 minutes
//   node scripts/bench.mjs --speed               createMany's throughput at 100 ms / 300 ms / 1 s (bench/throughput.mjs),
//                                                the one-message bundle (bench/bundle.mjs), send-batch's peak memory, ~4 min
//   node scripts/bench.mjs --loop [--with-test]  the spec loop: generate, docs, Prism start, dev watch
//   node scripts/bench.mjs --compare=<dir>      also measure the client built in <dir>/dist (before/after)
//   node scripts/bench.mjs --decompose          also the steps between them (Request re-wrap, timeout signal)
//   node scripts/bench.mjs --breakdown          CPU cost of each step, no network (bench/breakdown.mjs)
//   node scripts/bench.mjs --batch [--lines=N]   createMany's pacing and send-batch's memory (bench/batch.mjs), ~2-3 min
//   node scripts/bench.mjs --profile=<variant> [--mode=seq|conc] [--seconds=5]
//       one variant alone, CPU-profiled after warm-up; summarise with bench/profile-summary.mjs
// Results go to bench/results.json and bench/results.md (between the markers; the hand-written
// analysis around them is kept).
import { execFileSync, fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    loop: { type: 'boolean', default: false },
    'with-test': { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    profile: { type: 'string' },
    mode: { type: 'string', default: 'seq' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '20' },
    seq: { type: 'string', default: '200' },
    conc: { type: 'string', default: '640' },
    'no-write': { type: 'boolean', default: false },
    compare: { type: 'string' },
    decompose: { type: 'boolean', default: false },
    batch: { type: 'boolean', default: false },
    speed: { type: 'boolean', default: false },
    lines: { type: 'string', default: '100000' },
  },
});

const resultsJson = join(root, 'bench', 'results.json');
const resultsMd = join(root, 'bench', 'results.md');

// ---------------------------------------------------------------------------------------------
// Shared: results files, machine facts, build freshness

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    undiciInNode: process.versions.undici,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, adding it if absent. */
function writeSection(name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i !== -1 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(resultsMd, text);
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds dist/ when it is missing or older than its sources, so the bench never measures stale code. */
function ensureBuilt() {
  const built = join(root, 'dist', 'src', 'index.js');
  const sources = ['src', 'generated', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(root, p)).filter(existsSync);
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  console.log('dist/ is missing or stale: building (npm run build)…');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------------------------------------------------------------------------------------------
// Request benchmark

const token = 'benchToken1234567890';
const path = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
const body = { content: 'Hello from the API', message_type: 'outgoing', private: false };

async function startServer() {
  const child = fork(join(root, 'bench', 'server.mjs'), [], {
    env: { ...process.env, BENCH_TOKEN: token },
    // Not the parent's flags: under --cpu-prof the server must not profile itself into the report.
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, bytes } = await new Promise((resolvePort, reject) => {
    child.once('message', resolvePort);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
  const ask = (what) =>
    new Promise((resolveStats) => {
      child.once('message', resolveStats);
      child.send(what);
    });
  return {
    url: `http://127.0.0.1:${port}`,
    bytes,
    stats: () => ask('stats'),
    close: () =>
      new Promise((done) => {
        child.once('exit', done);
        child.send('close');
      }),
  };
}

async function makeVariants(baseUrl) {
  const url = `${baseUrl}/api/v1/accounts/1/conversations/42/messages`;
  const headers = { 'content-type': 'application/json', api_access_token: token };
  // Node's fetch first: loading the undici package before it would install undici 7's Agent as the
  // global dispatcher, and every fetch-based variant would then run on it instead of Node's own.
  await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).arrayBuffer();
  const { createClient } = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);
  const { default: createOpenApiClient } = await import('openapi-fetch');
  const undici = await import('undici');
  if (globalThis[Symbol.for('undici.globalDispatcher.1')] instanceof undici.Agent) {
    throw new Error("fetch would run on the undici package's dispatcher, not Node's own");
  }

  const params = { path: { account_id: 1, conversation_id: 42 } };
  const bare = createOpenApiClient({ baseUrl, headers: { api_access_token: token } });
  // Defaults: retries (2), 30 s timeout per attempt, input checks: all on.
  const client = createClient({ apiAccessToken: token, baseUrl });
  // Its own keep-alive pool, apart from the one Node's fetch (undici 6) uses.
  const agent = new undici.Agent({ keepAliveTimeout: 120_000 });

  const check = (data) => {
    if (data?.id !== 1022) throw new Error(`unexpected answer: ${JSON.stringify(data)?.slice(0, 200)}`);
  };
  const other = flags.compare ? await otherBuildVariants(resolve(flags.compare), baseUrl, { params, check }) : [];
  const steps = flags.decompose ? decomposeVariants({ url, headers, bare, params, check }) : [];
  return [
    {
      key: 'undici',
      name: 'undici.request (floor)',
      async run() {
        const res = await undici.request(url, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: agent });
        check(await res.body.json());
      },
    },
    {
      key: 'fetch',
      name: 'raw fetch',
      async run() {
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
        check(await res.json());
      },
    },
    {
      key: 'openapi-fetch',
      name: 'bare openapi-fetch',
      async run() {
        const { data } = await bare.POST(path, { params, body });
        check(data);
      },
    },
    {
      key: 'api',
      name: 'client.api.POST',
      async run() {
        const { data } = await client.api.POST(path, { params, body });
        check(data);
      },
    },
    {
      key: 'messages',
      name: 'client.messages.create',
      async run() {
        check(await client.messages.create({ account_id: 1, conversation_id: 42, ...body }));
      },
    },
    ...steps,
    ...other,
  ];
}

/** What separates raw fetch from openapi-fetch, and openapi-fetch from this client, one step at a time. */
function decomposeVariants({ url, headers, bare, params, check }) {
  // A per-attempt timeout the way sendWithRetries makes one: a controller, a timer, the signal on the call.
  const withTimeout = async (call) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await call(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };
  return [
    {
      key: 'fetch-request',
      name: 'fetch(new Request(url, init))',
      async run() {
        const res = await fetch(new Request(url, { method: 'POST', headers, body: JSON.stringify(body) }));
        check(await res.json());
      },
    },
    {
      key: 'fetch-timeout',
      name: 'raw fetch + timeout signal',
      async run() {
        const res = await withTimeout((signal) => fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal }));
        check(await res.json());
      },
    },
    {
      key: 'openapi-fetch-timeout',
      name: 'bare openapi-fetch + timeout signal',
      async run() {
        const { data } = await withTimeout((signal) => bare.POST(path, { params, body, signal }));
        check(data);
      },
    },
  ];
}

async function otherBuildVariants(dir, baseUrl, { params, check }) {
  const { createClient } = await import(pathToFileURL(join(dir, 'dist', 'src', 'index.js')).href);
  const client = createClient({ apiAccessToken: token, baseUrl });
  return [
    {
      key: 'api-compare',
      name: `client.api.POST (${dir})`,
      async run() {
        const { data } = await client.api.POST(path, { params, body });
        check(data);
      },
    },
    {
      key: 'messages-compare',
      name: `client.messages.create (${dir})`,
      async run() {
        check(await client.messages.create({ account_id: 1, conversation_id: 42, ...body }));
      },
    },
  ];
}

/** n requests one after another. */
async function sequential(run, n) {
  const latencies = new Float64Array(n);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    latencies[i] = performance.now() - t;
  }
  return { seconds: (performance.now() - started) / 1000, latencies, cpuUs: cpuMicros(cpu) };
}

function cpuMicros(since) {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** n requests from a pool of `inFlight` loops, each starting its next request when one ends. */
async function concurrent(run, n, inFlight) {
  const latencies = new Float64Array(n);
  let next = 0;
  const loop = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await run();
      latencies[i] = performance.now() - t;
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  return { seconds: (performance.now() - started) / 1000, latencies, cpuUs: cpuMicros(cpu) };
}

function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Lets timers, finalizers and sockets from the previous batch settle before the next is timed. */
const settle = () => new Promise((done) => setTimeout(done, 20));

function exposeGc() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

const modes = [
  { key: 'sequential', label: 'sequential', measure: (run, n) => sequential(run, n) },
  { key: 'inFlight32', label: '32 in flight', measure: (run, n) => concurrent(run, n, 32) },
];

async function requestBench() {
  ensureBuilt();
  const gc = exposeGc();
  const rounds = Number(flags.rounds);
  const counts = { sequential: Number(flags.seq), inFlight32: Number(flags.conc) };
  const server = await startServer();
  const started = performance.now();
  try {
    const variants = await makeVariants(server.url);
    // Warm-up: every variant's code paths compiled and its connections open before any timing.
    for (const v of variants) {
      await sequential(v.run, 300);
      await concurrent(v.run, 640, 32);
    }
    const samples = {};
    for (const mode of modes) {
      samples[mode.key] = Object.fromEntries(variants.map((v) => [v.key, { ops: [], cpu: [], latencies: [] }]));
    }
    // Short rounds interleave the variants in a new random order each time, so drift on this
    // shared machine (other processes, CPU frequency) lands on all of them alike. The order is
    // shuffled rather than rotated: with a fixed cycle each variant always runs after the same
    // one, and inherits its leftovers (finalizers, GC debt): that alone showed as a 20% gap
    // between two identical variants. Each batch starts from a collected heap after a pause.
    for (let r = 0; r < rounds; r++) {
      for (const mode of modes) {
        for (const v of shuffle(variants)) {
          gc();
          await settle();
          const { seconds, latencies, cpuUs } = await mode.measure(v.run, counts[mode.key]);
          samples[mode.key][v.key].ops.push(latencies.length / seconds);
          samples[mode.key][v.key].cpu.push(cpuUs / latencies.length);
          samples[mode.key][v.key].latencies.push(latencies);
        }
      }
      process.stdout.write(`round ${r + 1}/${rounds}\r`);
    }
    const stats = await server.stats();
    if (stats.wrong > 0) throw new Error(`the server got ${stats.wrong} unexpected requests (last: ${stats.lastWrong})`);

    const results = {};
    for (const mode of modes) {
      const s = samples[mode.key];
      // Ratios are the median of per-round ratios: each compares runs made moments apart.
      const perRound = (slow, fast) => s[fast].ops.map((ops, r) => ops / s[slow].ops[r]);
      const pairedRatio = (slow, fast) => median(perRound(slow, fast));
      // The spread of the per-round ratios says how far apart two runs of one variant can land.
      const quartiles = (slow, fast) => {
        const sorted = perRound(slow, fast).sort((a, b) => a - b);
        return [percentile(sorted, 25), percentile(sorted, 75)].map((x) => +x.toFixed(3));
      };
      results[mode.key] = {};
      for (const v of variants) {
        const all = Float64Array.from(s[v.key].latencies.flatMap((l) => Array.from(l))).sort();
        results[mode.key][v.key] = {
          name: v.name,
          opsPerSec: Math.round(median(s[v.key].ops)),
          p50Ms: +percentile(all, 50).toFixed(3),
          p99Ms: +percentile(all, 99).toFixed(3),
          costVsRawFetch: +pairedRatio(v.key, 'fetch').toFixed(3),
          costVsOpenapiFetch: +pairedRatio(v.key, 'openapi-fetch').toFixed(3),
          costVsOpenapiFetchQuartiles: quartiles(v.key, 'openapi-fetch'),
          // The client process's own CPU time per request: less disturbed by other load than ops/s.
          cpuUsPerRequest: Math.round(median(s[v.key].cpu)),
          cpuVsRawFetch: +median(s[v.key].cpu.map((c, r) => c / s.fetch.cpu[r])).toFixed(3),
          cpuVsOpenapiFetch: +median(s[v.key].cpu.map((c, r) => c / s['openapi-fetch'].cpu[r])).toFixed(3),
          roundsOpsPerSec: s[v.key].ops.map(Math.round),
        };
      }
    }
    const budget = 1.1;
    const verdict = Object.fromEntries(
      modes.map((m) => [m.key, results[m.key].messages.costVsOpenapiFetch <= budget && results[m.key].api.costVsOpenapiFetch <= budget]),
    );
    const report = {
      machine: machine(),
      settings: {
        rounds,
        requestsPerRound: counts,
        warmup: '300 sequential + 640 at 32 in flight per variant',
        responseBytes: server.bytes,
        seconds: +((performance.now() - started) / 1000).toFixed(1),
        note: 'cost ratio = time per request relative to the baseline (baseline ops/s ÷ variant ops/s), median of per-round ratios',
      },
      results,
      budget: { clientVsOpenapiFetchMax: budget, met: verdict },
    };
    return report;
  } finally {
    await server.close();
  }
}

function requestTable(report) {
  const { results, machine: m, settings } = report;
  const keys = Object.keys(results.sequential);
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node} (fetch = undici ${m.undiciInNode}), ${m.os}; ${m.date}.`,
    `${settings.rounds} rounds (variants in random order) of ${settings.requestsPerRound.sequential} sequential and ` +
      `${settings.requestsPerRound.inFlight32} at 32 in flight per variant, after warm-up; ${settings.responseBytes}-byte JSON answer ` +
      `over keep-alive HTTP/1.1 on 127.0.0.1 (server in its own process). ops/s is the median round; ` +
      `p50/p99 over all requests; ratios are time per request relative to raw fetch / bare openapi-fetch ` +
      `(median of per-round ratios; lower is better). Took ${settings.seconds} s.`,
    '',
  ];
  for (const mode of modes) {
    lines.push(`**${mode.label}**`, '');
    lines.push(
      row([
        'variant',
        'ops/s',
        'p50 ms',
        'p99 ms',
        '× raw fetch',
        '× openapi-fetch',
        'CPU µs/req',
        'CPU × raw fetch',
        'CPU × openapi-fetch',
      ]),
    );
    lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const k of keys) {
      const r = results[mode.key][k];
      lines.push(
        row([
          r.name,
          String(r.opsPerSec),
          r.p50Ms.toFixed(3),
          r.p99Ms.toFixed(3),
          `${r.costVsRawFetch.toFixed(2)}×`,
          `${r.costVsOpenapiFetch.toFixed(2)}×`,
          String(r.cpuUsPerRequest),
          `${r.cpuVsRawFetch.toFixed(2)}×`,
          `${r.cpuVsOpenapiFetch.toFixed(2)}×`,
        ]),
      );
    }
    for (const k of ['messages', 'api']) {
      const r = results[mode.key][k];
      lines.push(
        `${r.name} ÷ bare openapi-fetch: ${r.costVsOpenapiFetch.toFixed(2)}× ` +
          `(per-round ratios, 25th–75th percentile: ${r.costVsOpenapiFetchQuartiles.map((x) => x.toFixed(2)).join('–')})  `,
      );
    }
    lines.push('');
  }
  const met = report.budget.met;
  lines.push(
    `Budget: client ≤ ${report.budget.clientVsOpenapiFetchMax.toFixed(2)}× bare openapi-fetch — ` +
      `sequential ${met.sequential ? 'met' : 'MISSED'}, 32 in flight ${met.inFlight32 ? 'met' : 'MISSED'}.`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Profiling one variant alone

/** Profiles one variant after warm-up (setup, build and warm-up stay out of the profile). */
async function profileOne() {
  ensureBuilt();
  const { Session } = await import('node:inspector/promises');
  const server = await startServer();
  try {
    const variants = await makeVariants(server.url);
    const v = variants.find((x) => x.key === flags.profile);
    if (!v) throw new Error(`--profile must be one of ${variants.map((x) => x.key).join(', ')}`);
    const batch = flags.mode === 'conc' ? (run) => concurrent(run, 640, 32) : (run) => sequential(run, 200);
    for (let i = 0; i < 5; i++) await batch(v.run);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const started = performance.now();
    const until = started + Number(flags.seconds) * 1000;
    let n = 0;
    while (performance.now() < until) n += (await batch(v.run)).latencies.length;
    const seconds = (performance.now() - started) / 1000;
    const { profile } = await session.post('Profiler.stop');
    const out = join(tmpdir(), `bench-${v.key}-${flags.mode}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    console.log(`${v.name} (${flags.mode}): ${n} requests in ${seconds.toFixed(1)} s = ${Math.round(n / seconds)}/s; profile: ${out}`);
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

if (flags.loop) {
  const { specLoop } = await import(pathToFileURL(join(root, 'bench', 'spec-loop.mjs')).href);
  const loop = await specLoop({ root, withTest: flags['with-test'], ensureBuilt });
  if (!flags['no-write']) {
    writeFileSync(
      resultsJson,
      JSON.stringify({ ...readJson(resultsJson), specLoop: { machine: machine(), ...loop.json } }, null, 2) + '\n',
    );
    writeSection('bench:loop', loop.markdown);
  }
  console.log(loop.markdown);
} else if (flags.breakdown) {
  ensureBuilt();
  const { createClient } = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);
  const { breakdown } = await import(pathToFileURL(join(root, 'bench', 'breakdown.mjs')).href);
  const { parse: parseYaml } = await import('yaml');
  const spec = parseYaml(readFileSync(join(root, 'openapi.yaml'), 'utf8'));
  const payload = JSON.stringify(spec.components.examples.TextMessageResponse.value);
  const rows = await breakdown({ createClient, payload, gc: exposeGc() });
  const markdown = [
    `CPU time per call without the network (process.cpuUsage; median of 7 runs of 2,000 calls after warm-up; ${machine().cpu}, Node ${process.version}).`,
    '',
    '| step | µs per call |',
    '| --- | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.us.toFixed(2)} |`),
  ].join('\n');
  console.log(markdown);
  if (!flags['no-write']) {
    writeFileSync(resultsJson, JSON.stringify({ ...readJson(resultsJson), breakdown: { machine: machine(), rows } }, null, 2) + '\n');
    writeSection('bench:breakdown', markdown);
  }
} else if (flags.batch) {
  ensureBuilt();
  const { batchBench } = await import(pathToFileURL(join(root, 'bench', 'batch.mjs')).href);
  const batch = await batchBench({ root, lines: Number(flags.lines) });
  const markdown = `Machine: ${machine().cpu}, ${machine().cores} cores, Node ${process.version}, ${machine().os}; ${machine().date}.\n\n${batch.markdown}`;
  console.log(markdown);
  if (!flags['no-write']) {
    writeFileSync(resultsJson, JSON.stringify({ ...readJson(resultsJson), batch: { machine: machine(), ...batch.json } }, null, 2) + '\n');
    writeSection('bench:batch', markdown);
  }
} else if (flags.profile) {
  await profileOne();
} else if (flags.speed) {
  await speedBench();
} else {
  const report = await requestBench();
  const table = requestTable(report);
  console.log(table);
  // A run with extra variants (--decompose, --compare) goes apart from the plain table.
  const name = flags.decompose ? 'decompose' : flags.compare ? 'compare' : 'requests';
  if (!flags['no-write']) {
    writeFileSync(resultsJson, JSON.stringify({ ...readJson(resultsJson), [name]: report }, null, 2) + '\n');
    writeSection(`bench:${name}`, table);
    console.log(`\nwrote ${resultsJson} and ${resultsMd}`);
  }
  // npm run bench prints issue 24's figures too: throughput by latency, the bundle, send-batch's peak.
  if (!flags.decompose && !flags.compare) await speedBench();
}

/** Throughput at 100 ms / 300 ms / 1 s, the one-message bundle and send-batch's peak RSS (10,000 and 100,000 lines). */
async function speedBench() {
  ensureBuilt();
  const { throughputBench } = await import(pathToFileURL(join(root, 'bench', 'throughput.mjs')).href);
  const { bundleFigure } = await import(pathToFileURL(join(root, 'bench', 'bundle.mjs')).href);
  const { sendBatchMemory } = await import(pathToFileURL(join(root, 'bench', 'batch.mjs')).href);
  const throughput = await throughputBench({ root, scale: 4, windows: 2 });
  const bundle = await bundleFigure(root);
  const lines = Number(flags.lines);
  const memory = [await sendBatchMemory(root, Math.min(10_000, lines)), await sendBatchMemory(root, lines)];
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const markdown = [
    `Machine: ${machine().cpu}, ${machine().cores} cores, Node ${process.version}, ${machine().os}; ${machine().date}.`,
    '',
    throughput.markdown,
    '',
    `**Bundle** (an app that sends one message; esbuild ESM, minified, tree-shaken, gzipped; the issue's goal is 18,432 B; test/bundle/bundle-size.test.ts holds it to its budget): **${bundle.gzipped.toLocaleString('en')} B** gzipped, ${bundle.minified.toLocaleString('en')} B minified. Minified bytes by part: ${Object.entries(
      bundle.byGroup,
    )
      .sort((a, b) => b[1] - a[1])
      .map(([group, bytes]) => `${group} ${kb(bytes)}`)
      .join(', ')}.`,
    '',
    '**send-batch memory** (`99digital send-batch <file> --per-minute 0`, default concurrency (8: no pace to follow), journal on, fast loopback server in its own process; peak is VmHWM):',
    '',
    '| lines | time | lines/s | RSS at 25% / 50% / 75% / end | peak RSS |',
    '| ---: | ---: | ---: | --- | ---: |',
    ...memory.map(
      (r) =>
        `| ${r.lines.toLocaleString('en')} | ${r.seconds.toFixed(1)} s | ${Math.round(r.linesPerSecond)} | ${r.rssMB.map((x) => x.toFixed(1)).join(' / ')} MB | **${r.peakMB.toFixed(1)} MB** |`,
    ),
  ].join('\n');
  console.log(`\n${markdown}`);
  if (!flags['no-write']) {
    writeFileSync(
      resultsJson,
      JSON.stringify({ ...readJson(resultsJson), speed: { machine: machine(), throughput: throughput.json, bundle, memory } }, null, 2) +
        '\n',
    );
    writeSection('bench:speed', markdown);
  }
}
