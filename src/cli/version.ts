// `99digital --version`: the package version (from its package.json) and the spec version.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specVersion } from '../../generated/schema.js';

/** Walks up from this file (src/cli/ or dist/src/cli/) to the package's own package.json. */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        if (name === '99digital-client' && typeof version === 'string') return version;
      } catch {
        // Not JSON: not our package.json; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export function versionLine(): string {
  return `99digital-client ${packageVersion()} (API description ${specVersion})`;
}
