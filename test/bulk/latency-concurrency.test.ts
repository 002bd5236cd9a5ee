// createMany's number in flight against a loopback server that answers after 300 ms: with default
// concurrency it rises above the old fixed 8 (the pace needs ~30 in flight), still within the
// budget; an explicit concurrency is kept. Counted by the server, as requests it holds at once.
// The two run at once (each its own server and client): they wait on the answers, not the CPU.
import { describe, expect, it } from 'vitest';
import { createMany } from '../../src/bulk/index.js';
import { createClient, type CreateManyItem, type CreateManyOptions } from '../../src/index.js';
import { secretToken } from '../reliability/token-exposure.js';
import { type LimitsServer, startLimitsServer } from './limits-server.js';

const windowMs = 6_000;
const perMinute = 600;
const latencyMs = 300;

/** Sends 150 messages to 150 conversations; resolves to the most the server held at once, the results and the most in any window. */
async function mostHeldAtOnce(options: CreateManyOptions): Promise<{ most: number; statuses: string[]; maxInAnyWindow: number }> {
  let held = 0;
  let most = 0;
  const server: LimitsServer = await startLimitsServer({
    windowMs,
    latencyMs: () => {
      held++;
      most = Math.max(most, held);
      // Released just before the answer is written (same delay, timer set first).
      setTimeout(() => held--, latencyMs);
      return latencyMs;
    },
  });
  try {
    const client = createClient({ apiAccessToken: secretToken, baseUrl: server.url });
    const items: CreateManyItem[] = Array.from({ length: 150 }, (_, i) => ({ account_id: 1, conversation_id: i + 1, content: `m${i}` }));
    const statuses: string[] = [];
    for await (const result of createMany(client, items, { perMinute, windowMs, ...options })) statuses.push(result.status);
    return { most, statuses, maxInAnyWindow: server.maxInAnyWindow() };
  } finally {
    await server.close();
  }
}

describe.concurrent('createMany: the number in flight follows latency', () => {
  it('rises above 8 with 300 ms answers when concurrency is not given, within the budget', async () => {
    const { most, statuses, maxInAnyWindow } = await mostHeldAtOnce({});
    expect(statuses).toEqual(Array(150).fill('sent'));
    expect(most).toBeGreaterThan(8);
    expect(maxInAnyWindow).toBeLessThanOrEqual(perMinute);
  });

  it('keeps an explicit concurrency', async () => {
    const { most, statuses } = await mostHeldAtOnce({ concurrency: 8 });
    expect(statuses).toEqual(Array(150).fill('sent'));
    expect(most).toBeLessThanOrEqual(8);
  });
});
