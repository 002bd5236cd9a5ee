// Where the API token comes from, said once: the environment variable's name and the message when
// there is none (the library's; the CLI adds its own advice such as --mock).

export const tokenEnvVar = 'DIGITAL99_API_ACCESS_TOKEN';

/** The CLI's words for it: the same variable, and the mock to try without a token. */
export const cliMissingTokenMessage = `no API access token: set ${tokenEnvVar} (find the token on your 99digital profile page), or add --mock to try the command against the built-in mock server.`;

export const missingTokenMessage = `Missing API access token: pass createClient({ apiAccessToken }) or set ${tokenEnvVar}. Find the token on your 99digital profile page.`;
