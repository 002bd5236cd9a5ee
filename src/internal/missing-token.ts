// Where the API token comes from, said once: the environment variable's name and the message when
// there is none (the library's; the CLI adds its own advice such as --mock).

export const tokenEnvVar = 'DIGITAL99_API_ACCESS_TOKEN';

export const missingTokenMessage = `Missing API access token: pass createClient({ apiAccessToken }) or set ${tokenEnvVar}. Find the token on your 99digital profile page.`;
