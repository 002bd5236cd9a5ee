// The token goes only to the configured origin (loaded when something tries otherwise, or when a
// call of client.api passes its own baseUrl, which openapi-fetch allows).
import { ConfigurationError } from './errors.js';

export function refuseOrigin(target: string, origin: string): ConfigurationError {
  return new ConfigurationError(
    `Refusing to send the API token to ${target}: this client is configured for ${origin}. Create another client for that server.`,
  );
}

/** Checked before the request is built, so that even a URL with credentials is refused by name. */
export function checkPerCallBaseUrl(baseUrl: unknown, origin: string): void {
  let target: string;
  try {
    const url = new URL(String(baseUrl));
    target = url.username || url.password ? `${url.host} (a URL with credentials)` : url.origin;
  } catch {
    target = 'an invalid baseUrl';
  }
  if (target !== origin) throw refuseOrigin(target, origin);
}
