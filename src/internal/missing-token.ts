// Where the API token comes from, said once: the environment variable's name and the message when
// there is none (the library's; the CLI words its own in src/cli/mock-token.ts, with --mock, so
// that no client bundle carries it).

export const tokenEnvVar = 'DIGITAL99_API_ACCESS_TOKEN';

export const missingTokenMessage = `Missing API access token: pass createClient({ apiAccessToken }) or set ${tokenEnvVar}. Find the token on your 99digital profile page.`;
