// The spec loop, timed: how long the steps between editing openapi.yaml and seeing the result take.
// Run by `node scripts/bench.mjs --loop [--with-test]`.
//   npm run generate / npm run docs   in a scratch copy of the repo (so generated/ and docs/ of the
//                                     checkout are never half-written while someone else reads them)
//   Prism start                       startMockServer() from dist/src/testing, until it answers
//   npm run dev (save → new types)    the watcher in the scratch copy; openapi.yaml rewritten with a
//                                     changed description; time until generated/schema.ts changes
//   npm test                          (--with-test) the whole suite, in the checkout itself
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Runs a command to its end; resolves with its wall time, exit code and output. */
function run(command, args, cwd, timeoutMs = 600_000) {
  return new Promise((resolveRun) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ ms: performance.now() - started, code: code ?? signal, output });
    });
  });
}

/** The files the spec scripts need, copied; node_modules linked. */
function scratchCopy(root) {
  const dir = mkdtempSync(join(tmpdir(), 'spec-loop-'));
  for (const file of ['openapi.yaml', 'redocly.yaml', 'package.json']) cpSync(join(root, file), join(dir, file));
  cpSync(join(root, 'scripts'), join(dir, 'scripts'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

async function timeScript(dir, script, times) {
  const runs = [];
  const inside = [];
  for (let i = 0; i < times; i++) {
    const r = await run('npm', ['run', '--silent', script], dir);
    if (r.code !== 0) return { ms: NaN, runs, error: `npm run ${script} exited with ${r.code}: ${r.output.slice(-600)}` };
    runs.push(Math.round(r.ms));
    // The scripts print their own time ("… in 812 ms"): the rest is npm, Node and loading the tools.
    const own = [...r.output.matchAll(/ in (\d+) ms/g)].pop();
    if (own) inside.push(Number(own[1]));
  }
  return { ms: median(runs), runs, ...(inside.length ? { scriptMs: median(inside) } : {}) };
}

async function timePrismStart(root, times) {
  const entry = join(root, 'dist', 'src', 'testing', 'index.js');
  if (!existsSync(entry)) return { ms: NaN, runs: [], error: 'dist/src/testing/index.js is missing' };
  const { startMockServer } = await import(pathToFileURL(entry).href);
  const runs = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const mock = await startMockServer();
    runs.push(Math.round(performance.now() - started));
    await mock.close();
  }
  return { ms: median(runs), runs };
}

/** Starts the watcher, saves openapi.yaml with a new description `times` times, times each regeneration. */
async function timeWatchLoop(dir, times) {
  const specPath = join(dir, 'openapi.yaml');
  const outPath = join(dir, 'generated', 'schema.ts');
  const original = readFileSync(specPath, 'utf8');
  // info.description is a block (`description: |`): a first line is added to it.
  const description = /^( {2}description: \|\n)( +)/m;
  if (!description.test(original)) return { ms: NaN, runs: [], error: 'no info.description block found in openapi.yaml' };
  const watcher = spawn(process.execPath, [join(dir, 'scripts', 'generate.mjs'), '--watch'], { cwd: dir });
  let output = '';
  watcher.stdout.on('data', (d) => (output += d));
  watcher.stderr.on('data', (d) => (output += d));
  try {
    for (let waited = 0; !output.includes('watching'); waited += 20) {
      if (waited > 30_000) throw new Error(`the watcher did not start: ${output}`);
      await sleep(20);
    }
    const runs = [];
    for (let i = 0; i < times; i++) {
      const before = readFileSync(outPath, 'utf8');
      const marker = `Edited by the spec-loop benchmark, save ${i + 1} (${Date.now()})`;
      // A save: the whole file rewritten, as editors do, with one description changed.
      const started = performance.now();
      writeFileSync(
        specPath,
        original.replace(description, (_, head, indent) => `${head}${indent}${marker}\n\n${indent}`),
      );
      for (;;) {
        await sleep(2);
        if (performance.now() - started > 10_000) throw new Error(`no new types 10 s after a save: ${output.slice(-600)}`);
        let text = '';
        try {
          text = readFileSync(outPath, 'utf8');
        } catch {
          continue; // The generator clears generated/ before writing: not there yet.
        }
        if (text !== before && text.includes('sha256')) break;
      }
      runs.push(Math.round(performance.now() - started));
      await sleep(300);
    }
    return { ms: median(runs), runs };
  } catch (error) {
    return { ms: NaN, runs: [], error: error.message };
  } finally {
    watcher.kill('SIGTERM');
    writeFileSync(specPath, original);
  }
}

function testSummary(output) {
  const files = /Test Files\s+(.*)/.exec(output)?.[1]?.trim();
  const tests = /Tests\s+(\d.*)/.exec(output)?.[1]?.trim();
  return [files && `files: ${files}`, tests && `tests: ${tests}`].filter(Boolean).join('; ');
}

export async function specLoop({ root, withTest, ensureBuilt }) {
  ensureBuilt();
  const dir = scratchCopy(root);
  const steps = [];
  try {
    const generate = await timeScript(dir, 'generate', 3);
    steps.push({ step: '`npm run generate` (openapi.yaml → generated/schema.ts)', ...generate });
    if (existsSync(join(root, 'scripts', 'docs.mjs'))) {
      const docs = await timeScript(dir, 'docs', 2);
      steps.push({ step: '`npm run docs` (Redoc page, offline)', ...docs });
    } else {
      steps.push({ step: '`npm run docs`', ms: NaN, runs: [], error: 'scripts/docs.mjs does not exist yet' });
    }
    const prism = await timePrismStart(root, 3);
    steps.push({ step: 'Prism mock start (`startMockServer()` until it answers)', ...prism });
    const watch = await timeWatchLoop(dir, 5);
    steps.push({ step: '`npm run dev`: save openapi.yaml → new generated/schema.ts', ...watch });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (withTest) {
    const test = await run('npm', ['test'], root, 900_000);
    steps.push({
      step: '`npm test` (lint:spec, check:generated, typecheck, build, vitest incl. Prism, Chromium, types, bundle)',
      ms: Math.round(test.ms),
      runs: [Math.round(test.ms)],
      exitCode: test.code,
      summary: testSummary(test.output),
      ...(test.code === 0 ? {} : { error: `exit ${test.code}: ${test.output.slice(-1500)}` }),
    });
  }
  const fmt = (ms) => (Number.isNaN(ms) ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const markdown = [
    '| step | median | runs |',
    '| --- | ---: | --- |',
    ...steps.map(
      (s) =>
        `| ${s.step} | ${fmt(s.ms)} | ${s.runs.map(fmt).join(', ')}` +
        `${s.scriptMs === undefined ? '' : ` (the script itself: ${fmt(s.scriptMs)}; the rest is npm, Node and loading the tools)`}` +
        `${s.summary ? ` (${s.summary})` : ''}${s.error ? ` — ${s.error.split('\n')[0]}` : ''} |`,
    ),
  ].join('\n');
  return { json: { steps }, markdown };
}
