// The package.json a consumer installs, read from the packed tarball: no script that npm runs (or,
// since npm 11, lists as "install scripts not yet covered by allowScripts") at install. The clone
// still builds dist/ on `npm ci`, through the `dependencies` script, which npm runs only in the
// project being installed, never in a consumer's.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, root } from '../cli/run-cli.js';

const run = promisify(execFile);
const installTime = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];

let scratch: string;
let published: { name: string; scripts?: Record<string, string> };

beforeAll(async () => {
  checkBuilt();
  scratch = mkdtempSync(join(tmpdir(), '99digital-manifest-'));
  // --ignore-scripts: packing must never rebuild dist/ under the other tests.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: root,
    timeout: 60_000,
  });
  const [info] = JSON.parse(stdout) as [{ filename: string }];
  await run('tar', ['-xzf', join(scratch, info.filename), '-C', scratch, 'package/package.json']);
  published = JSON.parse(readFileSync(join(scratch, 'package', 'package.json'), 'utf8'));
}, 90_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the published package.json', () => {
  it('is this package', () => {
    expect(published.name).toBe('99digital-client');
  });

  it('has no install-time script (a consumer was shown "prepare: npm run build")', () => {
    expect(Object.keys(published.scripts ?? {}).filter((name) => installTime.includes(name))).toEqual([]);
  });

  it('while the clone still builds dist/ on npm ci (the dependencies script)', () => {
    const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(own.scripts['dependencies']).toBe('npm run build');
  });
});
