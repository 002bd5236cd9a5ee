// The pieces startMockServer is built from, apart from its public face: the option check that turns
// MockServerOptions into the front server's options, and the Prism start it runs. Internal (not
// exported by 99digital-client/testing): this repository's test setup builds the same mock from them
// with one Prism shared by many front servers.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors/classes.js';
import { ownPackage } from '../internal/own-package.js';
import { DEFAULT_CHANNEL } from './conversations.js';
import type { FrontServerOptions, Respond } from './front-server.js';
import { DEFAULT_START_TIMEOUT_MS, startPrism, type PrismProcess } from './prism.js';

/** The options checkMockOptions reads, as given (MockServerOptions has these, documented). */
export interface MockOptionsToCheck {
  port?: number;
  respond?: Respond;
  host?: string;
  specPath?: string;
  channel?: string;
  botTokens?: readonly string[];
}

const RESPONDS: readonly Respond[] = ['message', 'examples'];

/** Checks the options, before anything starts; throws a ConfigurationError that says what to fix. */
export function checkMockOptions(options: MockOptionsToCheck): { specPath: string; front: FrontServerOptions } {
  const specPath = options.specPath === undefined ? packagedSpecPath() : resolve(options.specPath);
  if (!existsSync(specPath)) throw new ConfigurationError(`The OpenAPI file to mock does not exist: ${specPath}`);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65_536)) {
    throw new ConfigurationError(`port must be an integer from 1 to 65535, got ${String(options.port)}.`);
  }
  const respond = options.respond ?? 'message';
  if (!RESPONDS.includes(respond)) {
    throw new ConfigurationError(
      `respond must be one of ${RESPONDS.map((mode) => `'${mode}'`).join(', ')}, got ${JSON.stringify(respond)}.`,
    );
  }
  const channel = options.channel ?? DEFAULT_CHANNEL;
  if (typeof channel !== 'string' || channel === '') {
    throw new ConfigurationError(`channel must be a channel type such as 'Channel::Api', got ${JSON.stringify(channel)}.`);
  }
  const botTokens = options.botTokens ?? [];
  if (!Array.isArray(botTokens) || !botTokens.every((token) => typeof token === 'string' && token !== '')) {
    throw new ConfigurationError("botTokens must be an array of non-empty token strings, e.g. { botTokens: ['botToken123'] }.");
  }
  const host = options.host ?? '127.0.0.1';
  return { specPath, front: { host, port: options.port, respond, channel, botTokens: new Set(botTokens) } };
}

/** Starts Prism mocking the spec, on loopback: it is only reached through a front server. */
export function startSpecPrism(specPath: string, options: { errors?: boolean; startTimeoutMs?: number }): Promise<PrismProcess> {
  return startPrism({
    command: ['mock', specPath],
    host: '127.0.0.1',
    errors: options.errors ?? true,
    // Next to this package (where npm puts its peer dependencies), then from the user's project.
    searchFrom: [import.meta.url, join(process.cwd(), 'package.json')],
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
  });
}

/** The openapi.yaml at the root of this package, found from this file (src/ or dist/src/). */
export function packagedSpecPath(): string {
  const own = ownPackage();
  if (own) return join(own.dir, 'openapi.yaml');
  throw new ConfigurationError(`Cannot find the 99digital-client package (and its openapi.yaml) above ${fileURLToPath(import.meta.url)}.`);
}
