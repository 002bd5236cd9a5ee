#!/usr/bin/env node
// Builds dist/ from src/ and generated/ (ESM + .d.ts), from a clean slate.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(resolve(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
// The package's bin: npx (and npm's link in node_modules/.bin) runs it directly, so it must stay
// executable after every rebuild (tsc writes it 0644).
chmodSync(resolve(root, 'dist', 'src', 'cli', 'main.js'), 0o755);
