#!/usr/bin/env node
// Builds docs/index.html: the Redoc reference page for openapi.yaml, one self-contained file that
// works offline (no CDN, no web fonts, no telemetry).
//   node scripts/docs.mjs     (npm run docs)
// Redoc options come from the `openapi:` section of redocly.yaml, the one config.
//
// What it takes to be offline with @redocly/cli 2.x (Redoc 3), checked on every build:
// - `--inlineBundle` embeds the Redoc script; without it the page imports it from cdn.redocly.com.
// - REDOCLY_TELEMETRY=off: the CLI otherwise reports usage over the network, and it writes the same
//   setting into the page as `disableTelemetry`, without which the page POSTs usage events to
//   otel.cloud.redocly.com every few seconds. REDOCLY_SUPPRESS_UPDATE_NOTICE=true skips the CLI's
//   version check against registry.npmjs.org.
// - The "API docs by Redocly" attribution loads its logo from cdn.redoc.ly. The logo URLs are
//   replaced below with an inline SVG wordmark; the attribution itself and its link stay.
// Fonts are system fonts (Redoc 3 ships no web fonts), so nothing else is fetched; the Chromium
// test (test/docs) records every request the page makes and fails on any non-loopback host.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = resolve(root, 'openapi.yaml');
const configPath = resolve(root, 'redocly.yaml');
const outPath = resolve(root, 'docs', 'index.html');
// Written next to the final file and renamed into place, so a server or test never reads half a
// page; the pid keeps two builds at once (a test and docs:serve) from writing the same file.
const tmpPath = `${outPath}.${process.pid}.tmp`;

const require = createRequire(import.meta.url);
const cliPackagePath = require.resolve('@redocly/cli/package.json');
const cliPackage = JSON.parse(readFileSync(cliPackagePath, 'utf8'));
const cliBin = resolve(dirname(cliPackagePath), cliPackage.bin.redocly);

// textLength fits the word to the box whatever system font draws it.
const wordmark = (width, text) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="14" viewBox="0 0 ${width} 14">` +
  `<text x="0" y="11" textLength="${width}" lengthAdjust="spacingAndGlyphs" font-family="system-ui,sans-serif" ` +
  `font-size="12" font-weight="600" fill="#0044d4">${text}</text></svg>`;
const svgDataUrl = (svg) => `data:image/svg+xml,${encodeURIComponent(svg)}`;

// Exact strings in the Redoc bundle and what replaces them. Each must occur exactly once: when a
// Redoc upgrade moves them, the build fails here instead of quietly fetching from a CDN again.
const rewrites = [
  ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', svgDataUrl(wordmark(46, 'Redocly'))],
  ['https://cdn.redoc.ly/redoc/logo-mini.svg', svgDataUrl(wordmark(9, 'R'))],
  // An empty icon stops the browser asking the server for /favicon.ico.
  ['<meta charset="utf8" />', '<meta charset="utf8" />\n  <link rel="icon" href="data:," />'],
];

// Resource loads that would leave the machine, as they would appear in the page.
const externalLoads = [
  /<script[^>]+src=["']?(https?:)?\/\//i,
  /<link[^>]+href=["']?(https?:)?\/\//i,
  /@import\s+(url\()?["']?(https?:)?\/\//i,
  /url\(\s*["']?(https?:)?\/\/(?!www\.w3\.org)/i,
  /\bimport\s*(\{[^}]*\}\s*from\s*)?["'`]https?:/,
  /cdn\.redoc\.ly|cdn\.redocly\.com\/redoc|fonts\.googleapis\.com|fonts\.gstatic\.com/,
];

function fail(message) {
  rmSync(tmpPath, { force: true });
  console.error(`docs: ${message}`);
  process.exit(1);
}

const started = performance.now();
mkdirSync(dirname(outPath), { recursive: true });

const cli = spawnSync(process.execPath, [cliBin, 'build-docs', specPath, '--config', configPath, '--inlineBundle', '--output', tmpPath], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
// The CLI's boxed banners (Node 20 end of life, the Redoc 3 switch) repeat on every build, and its
// success line names the temporary file; the rest (warnings, errors) is passed through.
const cliOutput = `${cli.stdout ?? ''}${cli.stderr ?? ''}`
  .split('\n')
  .filter((line) => !/^\s*[╔║╚]|bundled successfully in:/.test(line) && line.trim() !== '')
  .join('\n');
if (cli.error) fail(`could not run redocly: ${cli.error.message}`);
if (cli.status !== 0) fail(`redocly build-docs exited with ${cli.status}\n${cliOutput}`);
if (cliOutput) console.log(cliOutput);

let html = readFileSync(tmpPath, 'utf8');
for (const [from, to] of rewrites) {
  const count = html.split(from).length - 1;
  if (count !== 1) {
    fail(
      `expected "${from}" once in the page built by @redocly/cli ${cliPackage.version}, found it ${count} times; re-check what the page loads before changing this script`,
    );
  }
  html = html.replace(from, () => to);
}
if (!html.includes('"disableTelemetry":true')) {
  fail('the page was built with telemetry enabled (it would POST to otel.cloud.redocly.com)');
}
for (const pattern of externalLoads) {
  const match = pattern.exec(html);
  if (match) {
    const at = html.slice(Math.max(0, match.index - 80), match.index + 120);
    fail(`the page would load something from the network (${pattern}):\n…${at}…`);
  }
}
writeFileSync(tmpPath, html);
renameSync(tmpPath, outPath);

const ms = Math.round(performance.now() - started);
const kib = Math.round(statSync(outPath).size / 1024);
console.log(`docs: built ${relative(root, outPath)} (${kib} KiB, self-contained) in ${ms} ms`);
console.log(`docs: open ${pathToFileURL(outPath).href} or run \`npm run docs:serve\``);
