#!/usr/bin/env node
// `npm test`: the checks (lint, lint:spec, check:generated, typecheck, build; each an npm script),
// then vitest. Arguments go to vitest (`npm test -- test/cli`). More than a chain of `&&` for what a
// person reads and waits for:
// - The checks run side by side (typecheck resolves the package to src/, only vitest needs build's
//   dist/; build waits for lint alone), which saves a few seconds of a one-core tsc. Each one's
//   output is held and printed whole when it ends, in the order above, so nothing interleaves; vitest
//   starts only when all passed.
// - Colour only on a terminal: vitest colours whatever stdout is (unless NO_COLOR), so a log written to
//   a file was full of escape codes. NO_COLOR is set for every step when stdout is not a terminal
//   (FORCE_COLOR still wins).
// - vitest's minimal reporter: a failing file and its failures are printed in full, a passing one not
//   at all, then the summary; a passing run fits on a screen (`npx vitest run` lists every file).
// - One line per step and the wall time at the end, instead of npm's three-line banner per script.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const checks = ['lint', 'lint:spec', 'check:generated', 'typecheck', 'build'];
const env = { ...process.env };
if (!process.stdout.isTTY && env.FORCE_COLOR === undefined) env.NO_COLOR = '1';
// The checks' output is held in a pipe: keep their colours when the person is at a terminal.
const checkEnv = process.stdout.isTTY && env.NO_COLOR === undefined && env.FORCE_COLOR === undefined ? { ...env, FORCE_COLOR: '1' } : env;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = performance.now();
const seconds = () => `${Math.round((performance.now() - started) / 1000)} s`;

function why(code, signal, error) {
  return error ? error.message : signal ? `killed by ${signal}` : `exit code ${code}`;
}

/** Runs one npm script with its output held; resolves with its exit status and what it printed. */
function check(name) {
  return new Promise((done) => {
    const child = spawn(npm, ['run', '--silent', name], { env: checkEnv, shell: process.platform === 'win32' });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => done({ name, status: 1, reason: why(null, null, error), output }));
    child.on('close', (code, signal) => done({ name, status: code === 0 ? 0 : code || 1, reason: why(code, signal), output }));
  });
}

// build starts once lint is done: it deletes and rewrites dist/, which Biome would otherwise find
// half gone while it walks the tree.
const running = {};
for (const name of checks) running[name] = name === 'build' ? running.lint.then(() => check(name)) : check(name);
const results = checks.map((name) => running[name]);
let failed;
for (const pending of results) {
  const { name, status, reason, output } = await pending;
  console.log(`npm test: ${name}${status === 0 ? '' : ` failed (${reason})`}`);
  process.stdout.write(Buffer.concat(output));
  failed ??= status === 0 ? undefined : status;
}
if (failed !== undefined) {
  console.error(`npm test: failed after ${seconds()}`);
  process.exit(failed);
}

const vitestPackagePath = createRequire(import.meta.url).resolve('vitest/package.json');
const vitestBin = resolve(dirname(vitestPackagePath), JSON.parse(readFileSync(vitestPackagePath, 'utf8')).bin.vitest);
console.log('npm test: vitest');
const vitest = spawnSync(process.execPath, [vitestBin, 'run', '--reporter=minimal', ...process.argv.slice(2)], { stdio: 'inherit', env });
if (vitest.status !== 0) {
  console.error(`npm test: vitest failed (${why(vitest.status, vitest.signal, vitest.error)}) after ${seconds()}`);
  process.exit(vitest.status || 1);
}
console.log(`npm test: passed in ${seconds()}`);
