// Batch benchmarks (node scripts/bench.mjs --batch):
// 1. pacing: a 2,000-item createMany at perMinute P against a fast loopback server, with the
//    window shortened to 2 s (createMany's windowMs option) so that it runs in seconds rather than
//    minutes: the most requests the server saw in any window (must be ≤ P) and the rate achieved
//    from the first request to the last, against P.
// 2. memory: `99digital send-batch` on a 100,000-line file (and 10,000 for comparison) with
//    --per-minute 0 against the same server: the CLI process's RSS sampled from /proc while it runs,
//    and its peak (VmHWM).
import { fork, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function startServer(root, args = []) {
  const child = fork(join(root, 'bench', 'batch-server.mjs'), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const ask = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send('stats');
    });
  const close = () => new Promise((resolve) => (child.once('exit', resolve), child.send('close')));
  return { url: `http://127.0.0.1:${port}`, stats: ask, close };
}

export async function pacing(root, { items = 2_000, perWindow = 400, windowMs = 2_000, concurrency = 8 } = {}) {
  const { createClient } = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);
  const { createMany } = await import(pathToFileURL(join(root, 'dist', 'src', 'bulk', 'index.js')).href);
  const server = await startServer(root, ['--record']);
  try {
    const client = createClient({ apiAccessToken: 'BenchToken0000000001', baseUrl: server.url });
    const batch = Array.from({ length: items }, (_, i) => ({ account_id: 1, conversation_id: 1 + (i % 20), content: `m${i}` }));
    let sent = 0;
    for await (const result of createMany(client, batch, { perMinute: perWindow, windowMs, concurrency })) {
      if (result.status === 'sent') sent++;
      else throw new Error(`item ${result.index} failed: ${result.status === 'failed' ? result.error.message : result.status}`);
    }
    const { arrivals, wrong } = await server.stats();
    if (wrong > 0 || arrivals.length !== items || sent !== items)
      throw new Error(`expected ${items} requests, got ${arrivals.length} (${wrong} wrong)`);
    const at = [...arrivals].sort((a, b) => a - b);
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] >= windowMs) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    const elapsed = at.at(-1) - at[0];
    // The rate achieved between the first and the last request, per window, against the budget.
    const perWindowAchieved = ((items - 1) / elapsed) * windowMs;
    return {
      items,
      perWindow,
      windowMs,
      concurrency,
      maxInWindow,
      elapsedMs: Math.round(elapsed),
      perWindowAchieved,
      achieved: perWindowAchieved / perWindow,
    };
  } finally {
    await server.close();
  }
}

function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** send-batch on `lines` lines; `concurrency` undefined: the command's default. */
export async function sendBatchMemory(root, lines, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-batch-'));
  const file = join(dir, 'batch.jsonl');
  const text = Array.from({ length: lines }, (_, i) =>
    JSON.stringify({
      conversation_id: 1 + (i % 500),
      content: `Batch benchmark message number ${i + 1}, about this long.`,
      key: `row-${i + 1}`,
    }),
  );
  writeFileSync(file, `${text.join('\n')}\n`);
  const server = await startServer(root);
  try {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        join(root, 'dist', 'src', 'cli', 'main.js'),
        'send-batch',
        file,
        '--account',
        '1',
        '--per-minute',
        '0',
        ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)]),
      ],
      {
        env: { ...process.env, DIGITAL99_API_ACCESS_TOKEN: 'BenchToken0000000001', DIGITAL99_BASE_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.stdout.resume();
    const samples = [];
    let hwm = 0;
    const timer = setInterval(() => {
      const m = rssOf(child.pid);
      if (m) {
        samples.push({ t: performance.now() - started, rss: m.rss });
        hwm = Math.max(hwm, m.hwm);
      }
    }, 100);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    const { count } = await server.stats();
    if (code !== 0 || count !== lines) throw new Error(`send-batch exited ${code} after ${count} of ${lines} requests: ${stderr}`);
    const journalLines = readFileSync(`${file}.journal.jsonl`, 'utf8').split('\n').filter(Boolean).length;
    // RSS at a quarter, half, three quarters and the end of the run.
    const at = (f) => samples[Math.min(samples.length - 1, Math.floor(samples.length * f))]?.rss ?? NaN;
    return {
      lines,
      concurrency,
      seconds,
      linesPerSecond: lines / seconds,
      peakMB: hwm / 1024,
      rssMB: [0.25, 0.5, 0.75, 0.99].map((f) => at(f) / 1024),
      journalLines,
      fileMB: text.join('\n').length / 1e6,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function batchBench({ root, lines = 100_000 }) {
  const pace = await pacing(root);
  const small = await sendBatchMemory(root, Math.min(10_000, lines), 8);
  const large = await sendBatchMemory(root, lines, 8);
  const mb = (x) => x.toFixed(1);
  const markdown = [
    `**Pacing** (\`createMany\`, ${pace.items} items over 20 conversations, concurrency ${pace.concurrency}, perMinute ${pace.perWindow} with the window shortened to ${pace.windowMs / 1000} s through the \`windowMs\` option, so that it runs in seconds; the real window is 60 s). Arrival times from the server's own clock.`,
    '',
    '| items | budget per window | most requests in any window (sliding) | first → last request | achieved per window | of the budget |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${pace.items.toLocaleString('en')} | ${pace.perWindow} | ${pace.maxInWindow} | ${(pace.elapsedMs / 1000).toFixed(2)} s | ${pace.perWindowAchieved.toFixed(1)} | **${(pace.achieved * 100).toFixed(1)}%** |`,
    '',
    `**Memory** (\`99digital send-batch <file> --per-minute 0\` (default concurrency 8), journal on, against a fast loopback server in its own process; RSS of the CLI process from /proc every 100 ms; peak is VmHWM).`,
    '',
    '| lines | file | time | lines/s | RSS at 25% / 50% / 75% / end of the run | peak RSS |',
    '| ---: | ---: | ---: | ---: | --- | ---: |',
    ...[small, large].map(
      (r) =>
        `| ${r.lines.toLocaleString('en')} | ${r.fileMB.toFixed(1)} MB | ${r.seconds.toFixed(1)} s | ${Math.round(r.linesPerSecond)} | ${r.rssMB.map(mb).join(' / ')} MB | **${mb(r.peakMB)} MB** |`,
    ),
  ].join('\n');
  return { json: { pacing: pace, memory: [small, large] }, markdown };
}
