import { ConfigurationError } from '../errors/classes.js';

/**
 * Prism exited, or never answered HTTP, while the mock server was starting. `log` holds the end of
 * Prism's own output (the same text ends the message), which usually names the cause: a spec that
 * does not load, a port in use.
 */
export class PrismStartError extends ConfigurationError {
  override name = 'PrismStartError';
  /** The end of Prism's stdout and stderr. */
  readonly log: string;
  /** Prism's exit code, or null when it was still running (and was killed) or died of a signal. */
  readonly exitCode: number | null;

  constructor(message: string, log: string, exitCode: number | null) {
    super(log === '' ? `${message} (Prism printed nothing)` : `${message}\n--- Prism log (end) ---\n${log}`);
    this.log = log;
    this.exitCode = exitCode;
  }
}
