// `99digital --version`: the package version (from its package.json) and the spec version.
import { specVersion } from '../../generated/schema.js';
import { ownPackage } from '../internal/own-package.js';

function packageVersion(): string {
  return ownPackage()?.version ?? 'unknown';
}

export function versionLine(): string {
  return `99digital-client ${packageVersion()} (API description ${specVersion})`;
}
