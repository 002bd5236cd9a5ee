// 99digital-client/testing: a Prism mock of the packaged openapi.yaml for your own tests.
// Prism (@stoplight/prism-cli) is an optional peer dependency: install it to use this entry.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors/classes.js';
import { DEFAULT_START_TIMEOUT_MS, startPrism } from './prism.js';

export { PrismStartError } from './errors.js';

export interface MockServerOptions {
  /** The port to listen on. Default: a free port picked for you. */
  port?: number;
  /** Generate responses from the schemas (json-schema-faker) instead of serving the examples. Default false. */
  dynamic?: boolean;
  /** The address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The OpenAPI file to serve. Default: the `openapi.yaml` shipped with 99digital-client. */
  specPath?: string;
  /**
   * Answer requests that break the spec with an error status (422 for a bad request, 500 for a
   * response that breaks the spec) rather than only flagging them in the `sl-violations` header.
   * Default true.
   */
  errors?: boolean;
  /** How long Prism may take to answer. Default 30,000 ms. */
  startTimeoutMs?: number;
}

export interface MockServer {
  /** The base URL to give the client, e.g. `http://127.0.0.1:53127` (no trailing slash). */
  readonly url: string;
  /** Prism's process id. */
  readonly pid: number;
  /** Settles when Prism has exited, whatever stopped it (close(), a crash, a signal). */
  readonly exited: Promise<void>;
  /** The end of Prism's log: it says why a request got a 422 (or why Prism stopped). */
  log(): string;
  /** Stops Prism and resolves once its process has exited. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts a Prism mock of the 99digital API on a loopback port and resolves once it answers HTTP.
 *
 * ```ts
 * const mock = await startMockServer();
 * const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: mock.url, retry: false });
 * // ... your tests ...
 * await mock.close();
 * ```
 *
 * Throws ConfigurationError when Prism is not installed (the message says what to install) and
 * PrismStartError, carrying Prism's log, when Prism fails to start.
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  checkCanSpawn();
  const specPath = options.specPath === undefined ? packagedSpecPath() : resolve(options.specPath);
  if (!existsSync(specPath)) throw new ConfigurationError(`The OpenAPI file to mock does not exist: ${specPath}`);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65_536)) {
    throw new ConfigurationError(`port must be an integer from 1 to 65535, got ${String(options.port)}.`);
  }
  const prism = await startPrism({
    command: ['mock', specPath],
    host: options.host ?? '127.0.0.1',
    port: options.port,
    errors: options.errors ?? true,
    flags: options.dynamic === true ? ['--dynamic'] : [],
    // Next to this package (where npm puts its peer dependencies), then from the user's project.
    searchFrom: [import.meta.url, join(process.cwd(), 'package.json')],
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
  });
  return { url: prism.url, pid: prism.pid, exited: prism.exited, log: prism.log, close: prism.close };
}

/**
 * Prism is a child process: a runtime without them (Cloudflare Workers, where node:child_process is
 * only a stub, and browsers) gets this error rather than a TypeError from deep inside.
 */
function checkCanSpawn(): void {
  const g = globalThis as { navigator?: { userAgent?: unknown }; process?: { versions?: { node?: unknown } } };
  const runtime = g.navigator?.userAgent === 'Cloudflare-Workers' ? 'Cloudflare Workers' : typeof g.process?.versions?.node === 'string' ? undefined : 'this runtime';
  if (runtime !== undefined) {
    throw new ConfigurationError(
      `startMockServer runs Prism as a child process, and ${runtime} cannot start child processes. ` +
        'Start the mock under Node (in your tests, e.g. vitest or node --test) and point the client at mock.url.',
    );
  }
}

/** The openapi.yaml at the root of this package, found from this file (src/ or dist/src/). */
export function packagedSpecPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === '99digital-client') return join(dir, 'openapi.yaml');
      } catch {
        // Not JSON: not our package.json; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ConfigurationError(`Cannot find the 99digital-client package (and its openapi.yaml) above ${fileURLToPath(import.meta.url)}.`);
    }
    dir = parent;
  }
}
