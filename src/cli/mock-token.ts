// The token `--mock` sends to the built-in mock server, for send and send-batch alike, and the
// advice to try it when no real token is set.
import { tokenEnvVar } from '../internal/missing-token.js';

/** Never the real one, which stays in the environment. */
export const mockToken = 'MockTokenNotASecret0000';

/** The CLI's words when no token is set: the variable to set, and the mock to try without one. */
export const cliMissingTokenMessage = `no API access token: set ${tokenEnvVar} (find the token on your 99digital profile page), or add --mock to try the command against the built-in mock server.`;
