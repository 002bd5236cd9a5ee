#!/usr/bin/env node
// `npm test`: the checks (lint, lint:spec, check:generated, build, typecheck; each an npm script) and
// vitest. Arguments go to vitest (`npm test -- test/cli`). More than a chain of `&&` for what a
// person reads and waits for:
// - The checks run side by side, and vitest starts once lint, lint:spec, check:generated and build
//   have passed; typecheck (the slowest, one core for ~6 s) goes on beside vitest's start, when its
//   shared Prism is starting and the cores are half idle, and is reported after vitest. Nothing reads
//   what another writes: typecheck resolves the package to src/, vitest needs build's dist/, and
//   build waits for lint, which would otherwise find dist/ half gone while it walks the tree. Each
//   check's output is held and printed whole when it is reported, so nothing interleaves.
// - Colour only on a terminal: vitest colours whatever stdout is (unless NO_COLOR), so a log written to
//   a file was full of escape codes. NO_COLOR is set for every step when stdout is not a terminal
//   (FORCE_COLOR still wins).
// - vitest's minimal reporter: a failing file and its failures are printed in full, a passing one not
//   at all, then the summary; a passing run fits on a screen (`npx vitest run` lists every file).
// - One line per step and the wall time at the end, instead of npm's three-line banner per script.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const checks = ['lint', 'lint:spec', 'check:generated', 'build'];
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

/** Runs a command with its output held; resolves with its exit status and what it printed. */
function run(name, command, args, options) {
  return new Promise((done) => {
    const child = spawn(command, args, { shell: process.platform === 'win32', ...options });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => done({ name, status: 1, reason: why(null, null, error), output }));
    child.on('close', (code, signal) => done({ name, status: code === 0 ? 0 : code || 1, reason: why(code, signal), output }));
  });
}

const check = (name) => run(name, npm, ['run', '--silent', name], { env: checkEnv });

/** Prints a finished step's line and held output; returns its failing status, if any. */
function report({ name, status, reason, output }) {
  console.log(`npm test: ${name}${status === 0 ? '' : ` failed (${reason})`}`);
  process.stdout.write(Buffer.concat(output));
  return status === 0 ? undefined : status;
}

function finish(status) {
  if (status === undefined) console.log(`npm test: passed in ${seconds()}`);
  else console.error(`npm test: failed after ${seconds()}`);
  process.exit(status ?? 0);
}

const typecheck = check('typecheck');
const running = {};
for (const name of checks) running[name] = name === 'build' ? running.lint.then(() => check(name)) : check(name);
let failed;
for (const name of checks) {
  // Every check is reported, also after one has failed (`failed ??= report(…)` would skip the rest).
  const status = report(await running[name]);
  failed ??= status;
}
if (failed !== undefined) {
  report(await typecheck);
  finish(failed);
}

const vitestPackagePath = createRequire(import.meta.url).resolve('vitest/package.json');
const vitestBin = resolve(dirname(vitestPackagePath), JSON.parse(readFileSync(vitestPackagePath, 'utf8')).bin.vitest);
console.log('npm test: vitest (typecheck goes on beside it)');
const vitest = await run('vitest', process.execPath, [vitestBin, 'run', '--reporter=minimal', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
if (vitest.status !== 0) console.error(`npm test: vitest failed (${vitest.reason})`);
finish(report(await typecheck) ?? (vitest.status === 0 ? undefined : vitest.status));
