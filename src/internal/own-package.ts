// This package's own package.json, found from where this file is (src/internal/ or
// dist/src/internal/): for the CLI's --version and the packaged openapi.yaml of the mock.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding 99digital-client's package.json and its version, walking up; undefined if none is found. */
export function ownPackage(): { dir: string; version: string | undefined } | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        if (name === '99digital-client') return { dir, version: typeof version === 'string' ? version : undefined };
      } catch {
        // Not JSON: not our package.json; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
