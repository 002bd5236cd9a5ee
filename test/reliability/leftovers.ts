// Checks that a call left nothing behind in this process: no timer, no socket, no pending connect
// that keeps the event loop alive, and no promise rejected with nobody listening.
import { afterEach, expect } from 'vitest';
import { startServer, type Handler, type LoopbackServer } from './loopback-server.js';

export type ResourceCounts = Map<string, number>;

/** The resources keeping the event loop alive, counted by type. */
function processResources(): ResourceCounts {
  const counts: ResourceCounts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** `counts` minus the test servers' own: one listener each and one socket per open connection (the server's end). */
function withoutServers(counts: ResourceCounts, servers: readonly LoopbackServer[]): ResourceCounts {
  const serverSockets = servers.reduce((sum, server) => sum + server.openConnections(), 0);
  counts.set('TCPSocketWrap', (counts.get('TCPSocketWrap') ?? 0) - serverSockets);
  counts.set('TCPServerWrap', (counts.get('TCPServerWrap') ?? 0) - servers.length);
  return counts;
}

/**
 * The resources keeping the event loop alive, counted by type, minus the test servers' own: one
 * listener each and one socket per open connection (the server's end, not the client's). An idle
 * keep-alive socket in the client's pool is unref'd and so not counted: it keeps nothing alive.
 */
export function clientResources(servers: readonly LoopbackServer[]): ResourceCounts {
  return withoutServers(processResources(), servers);
}

function describe(counts: ResourceCounts): string {
  return [...counts]
    .filter(([, n]) => n !== 0)
    .map(([type, n]) => `${type}×${n}`)
    .sort()
    .join(', ');
}

function tick(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * The client resources that stayed through a 120 ms look (every 10 ms), per type the least seen:
 * vitest's own timers come and go (its runner sends reports through a 100 ms throttle timer, pending
 * as each test starts), and a baseline that counted one would hide a leaked timer. A timer pending at
 * the first look is due within 100 ms, and timers fire in order of due time, so it has fired before
 * the last look: the least count leaves it out. The least is never more than a settled count, so the
 * check is as strict as waiting for the counts to stop changing (which took ~250 ms a test).
 */
export async function settledResources(servers: readonly LoopbackServer[]): Promise<ResourceCounts> {
  // The least of the process's own counts; the servers' are taken at the end (a server's count and
  // the process's are two reads, so a socket closing between them must not make a count too low).
  const least = processResources();
  for (let look = 0; look < 12; look++) {
    await tick(10);
    const now = processResources();
    for (const type of new Set([...least.keys(), ...now.keys()])) {
      least.set(type, Math.min(least.get(type) ?? 0, now.get(type) ?? 0));
    }
  }
  return withoutServers(least, servers);
}

function excess(before: ResourceCounts, after: ResourceCounts): string {
  return [...after]
    .filter(([type, n]) => n > (before.get(type) ?? 0))
    .map(([type, n]) => `${type}×${n - (before.get(type) ?? 0)}`)
    .join(', ');
}

/**
 * Resolves once the client holds no more of any resource than `before`; rejects naming what is
 * left if that takes longer than the bound. Sockets close asynchronously, hence the polling. The
 * bound (10 s) only says when to give up on a leak: it returns as soon as all is let go, and a
 * loaded machine may take seconds to run the closing callbacks.
 */
export async function expectNothingLeft(before: ResourceCounts, servers: readonly LoopbackServer[], boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const left = excess(before, clientResources(servers));
    if (left === '') return;
    if (Date.now() > deadline) {
      throw new Error(`the call left behind: ${left} (before: ${describe(before)}; after: ${describe(clientResources(servers))})`);
    }
    await tick(5);
  }
}

/** Records every unhandled promise rejection from the moment it is created until stop(). */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    seen,
    stop: () => {
      process.off('unhandledRejection', listener);
    },
  };
}

/**
 * Loopback servers for one test file: `serve` starts one; after each test they are all closed and
 * no unhandled rejection may have happened. `servers` lists the ones still open.
 */
export function serversClosedAfterEach(): {
  servers: LoopbackServer[];
  serve(handler: Handler, port?: number): Promise<LoopbackServer>;
} {
  const servers: LoopbackServer[] = [];
  const rejections = watchUnhandledRejections();
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    expect(rejections.seen).toEqual([]);
  });
  return {
    servers,
    async serve(handler, port) {
      const server = await startServer(handler, port);
      servers.push(server);
      return server;
    },
  };
}
