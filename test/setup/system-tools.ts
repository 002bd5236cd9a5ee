// The Debian programs some tests need (Chromium, redis-server): where they are, and what a test does
// without one. Locally a missing program skips those tests, visibly and with the way to install it;
// in CI (where .ci/run installs them) it fails.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const onCi = !['', '0', 'false', undefined].includes(process.env['CI']);

export interface SystemTool {
  path: string;
  /** Why the tool cannot be used, or undefined when it is there. */
  missing: string | undefined;
  /** Set when the tests that need it should be skipped (missing, and not in CI). */
  skipReason: string | undefined;
}

function systemTool(path: string, install: string): SystemTool {
  const missing = existsSync(path) ? undefined : `${path} not found; install it with ${install}`;
  const skipReason = missing !== undefined && !onCi ? missing : undefined;
  if (skipReason !== undefined) console.warn(`skipped: ${skipReason}`);
  return { path, missing, skipReason };
}

export const chromiumTool = systemTool(
  process.env['CHROMIUM_PATH'] || '/usr/bin/chromium',
  'apt-get install -y chromium (or set CHROMIUM_PATH)',
);
export const redisTool = systemTool('/usr/bin/redis-server', 'apt-get install -y redis-server');

/** Headless Chromium with the flags this machine needs: no sandbox (root), no background connections. */
export function launchChromium(): Promise<Browser> {
  if (chromiumTool.missing !== undefined) throw new Error(`CI is set and ${chromiumTool.missing}`);
  return chromium.launch({
    executablePath: chromiumTool.path,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}
