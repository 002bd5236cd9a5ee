// One worker process of the shared-budget test: sends its own batch with createMany through a
// Bottleneck clustered on Redis (id and Redis port from argv), starting when stdin says "go".
// Prints a JSON count of its results' statuses.
import Bottleneck from 'bottleneck';
import { createInterface } from 'node:readline';

const [distIndex, url, redisPort, id, name, count, minTime, windowMs] = process.argv.slice(2);
const { createClient } = await import(distIndex);
// The bulk entry sits beside the main one in dist/src.
const { createMany } = await import(distIndex.replace(/index\.js$/, 'bulk/index.js'));

const limiter = new Bottleneck({
  id,
  datastore: 'ioredis',
  clientOptions: { host: '127.0.0.1', port: Number(redisPort) },
  minTime: Number(minTime),
});
limiter.on('error', (error) => process.stderr.write(`limiter error: ${error}\n`));
await limiter.ready();
const client = createClient({ apiAccessToken: 'WorkerToken000000001', baseUrl: url });
const items = Array.from({ length: Number(count) }, (_, i) => ({
  account_id: 1,
  conversation_id: (name === 'a' ? 100 : 200) + (i % 3),
  content: `${name}-${i}`,
  key: `${name}-${i}`,
}));

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
lines.close();

const statuses = {};
for await (const result of createMany(client, items, { limiter, windowMs: Number(windowMs) })) {
  statuses[result.status] = (statuses[result.status] ?? 0) + 1;
}
await limiter.disconnect();
process.stdout.write(`${JSON.stringify(statuses)}\n`);
