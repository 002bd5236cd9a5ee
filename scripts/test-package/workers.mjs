// test:package on Cloudflare Workers: two Workers bundled from the installed package, served by workerd.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, cell, live, killGroup, cleanEnv, run, why, reasonLine, freePort, appDir, notes } from './harness.mjs';

/**
 * Cloudflare Workers: two Workers bundled from the installed package (as wrangler does, with
 * esbuild and the workerd/worker/browser conditions) and served by workerd on loopback. One sends a
 * message to a node:http server of this process, which records what arrived; the other calls the
 * testing helper, which must refuse with a ConfigurationError (no child processes on Workers).
 */
export async function runWorkers(workerd) {
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
