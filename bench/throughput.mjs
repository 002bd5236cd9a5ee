// Throughput benchmark (part of npm run bench): how much of `perMinute` createMany reaches with its
// default options when each answer takes 100 ms, 300 ms or 1 s, against a loopback server (its own
// process, bench/batch-server.mjs) that delays its answers and emulates the server's fixed-window
// 429s. The real window is 60 s; to run in seconds, the window is shortened by `scale` and the
// latency with it: what matters to the pace is latency / window (Little's law: in flight = rate ×
// latency = perWindow × latency / window), so 300 ms in a 60 s window is run as 300 / scale ms in a
// 60 / scale s window, with the same requests per window and the same number in flight.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './batch.mjs';

const realWindowMs = 60_000;
/** The server's limit per window (per IP, 3,000 a minute). */
const serverLimit = 3_000;

function maxInWindow(sorted, windowMs) {
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** One batch of `windows` windows' worth at the default perMinute, each answer `latencyMs` (real) late. */
export async function throughputAt(root, { latencyMs, scale = 6, windows = 3 }) {
  const { createClient } = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);
  const { createMany } = await import(pathToFileURL(join(root, 'dist', 'src', 'bulk', 'index.js')).href);
  const windowMs = realWindowMs / scale;
  const delay = Math.round(latencyMs / scale);
  const perMinute = 2_400; // createMany's default, given so the figure names it; concurrency is left to the default
  const items = perMinute * windows;
  const server = await startServer(root, ['--record', `--delay=${delay}`, `--window=${windowMs}`, `--limit=${serverLimit}`]);
  try {
    const client = createClient({ apiAccessToken: 'BenchToken0000000001', baseUrl: server.url });
    const batch = Array.from({ length: items }, (_, i) => ({ account_id: 1, conversation_id: 1 + (i % 500), content: `m${i}` }));
    let failed = 0;
    for await (const result of createMany(client, batch, { windowMs })) if (result.status !== 'sent') failed++;
    const { arrivals, refused, wrong } = await server.stats();
    const at = [...arrivals].sort((a, b) => a - b);
    const elapsed = at.at(-1) - at[0];
    const perWindowAchieved = ((at.length - 1) / elapsed) * windowMs;
    return {
      latencyMs,
      scaledLatencyMs: delay,
      windowMs,
      items,
      failed: failed + wrong,
      refused,
      maxInWindow: maxInWindow(at, windowMs),
      elapsedMs: Math.round(elapsed),
      share: perWindowAchieved / perMinute,
    };
  } finally {
    await server.close();
  }
}

export async function throughputBench({ root, latencies = [100, 300, 1_000], scale = 6, windows = 3 }) {
  const rows = [];
  for (const latencyMs of latencies) rows.push(await throughputAt(root, { latencyMs, scale, windows }));
  const markdown = [
    `**Throughput** (\`createMany(client, items, { windowMs })\`: default perMinute 2,400 and default concurrency, ${windows} windows' worth of items over 500 conversations; the 60 s window shortened to ${60 / scale} s and each latency divided by ${scale} with it, which keeps latency / window, and so the number in flight the pace needs, as at real scale; a loopback server in its own process delays every answer and answers 429 past ${serverLimit.toLocaleString('en')} in a fixed window).`,
    '',
    '| latency (real scale) | run as | share of perMinute (first → last request) | most in any window (of 2,400) | 429s | failed |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.latencyMs.toLocaleString('en')} ms | ${r.scaledLatencyMs} ms in ${r.windowMs / 1000} s | **${(r.share * 100).toFixed(1)}%** | ${r.maxInWindow.toLocaleString('en')} | ${r.refused} | ${r.failed} |`,
    ),
  ].join('\n');
  return { json: rows, markdown };
}
