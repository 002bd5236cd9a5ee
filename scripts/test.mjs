#!/usr/bin/env node
// `npm test`: the checks in order, each an npm script (lint, lint:spec, check:generated, typecheck,
// build), then vitest; stops at the first that fails, with its exit code. Arguments go to vitest
// (`npm test -- test/cli`). More than a chain of `&&` for what a person reads:
// - Colour only on a terminal: vitest colours whatever stdout is (unless NO_COLOR), so a log written to
//   a file was full of escape codes. NO_COLOR is set for every step when stdout is not a terminal
//   (FORCE_COLOR still wins).
// - vitest's minimal reporter: a failing file and its failures are printed in full, a passing one not
//   at all, then the summary; a passing run fits on a screen (`npx vitest run` lists every file).
// - One line per step and the wall time at the end, instead of npm's three-line banner per script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const steps = ['lint', 'lint:spec', 'check:generated', 'typecheck', 'build'];
const env = { ...process.env };
if (!process.stdout.isTTY && env.FORCE_COLOR === undefined) env.NO_COLOR = '1';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = performance.now();
const seconds = () => `${Math.round((performance.now() - started) / 1000)} s`;

function run(label, command, args) {
  console.log(`npm test: ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status === 0) return;
  const why = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
  console.error(`npm test: ${label} failed (${why}) after ${seconds()}`);
  process.exit(result.status || 1);
}

for (const step of steps) run(step, npm, ['run', '--silent', step]);
const vitestPackagePath = createRequire(import.meta.url).resolve('vitest/package.json');
const vitestBin = resolve(dirname(vitestPackagePath), JSON.parse(readFileSync(vitestPackagePath, 'utf8')).bin.vitest);
run('vitest', process.execPath, [vitestBin, 'run', '--reporter=minimal', ...process.argv.slice(2)]);
console.log(`npm test: passed in ${seconds()}`);
