#!/usr/bin/env node
// Lints openapi.yaml with Redocly's rules (redocly.yaml):   node scripts/lint-spec.mjs   (npm run lint:spec)
// More than `redocly lint` because @redocly/cli 2.x on Node 20 prints a 12-line "Node.js 20 support is
// ending" box on every run (at load, with no option or variable to turn it off): that box is dropped,
// everything else (problems, the summary) is passed through. REDOCLY_TELEMETRY=off and
// REDOCLY_SUPPRESS_UPDATE_NOTICE=true keep a lint from reporting usage or asking npm for a newer version.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cliPackagePath = require.resolve('@redocly/cli/package.json');
const cliBin = resolve(dirname(cliPackagePath), JSON.parse(readFileSync(cliPackagePath, 'utf8')).bin.redocly);

/** The output without Redocly's boxed banners (lines drawn with ╔ ║ ╚) and the blank lines around them. */
function withoutBanners(text) {
  return text
    .split('\n')
    .filter((line) => !/^\s*[╔║╚]/.test(line))
    .join('\n')
    .replace(/^\n+/, '');
}

const lint = spawnSync(process.execPath, [cliBin, 'lint', ...process.argv.slice(2)], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
if (lint.error) {
  console.error(`lint:spec: could not run redocly: ${lint.error.message}`);
  process.exit(1);
}
process.stdout.write(withoutBanners(lint.stdout));
process.stderr.write(withoutBanners(lint.stderr));
process.exit(lint.status ?? 1);
