// The token `--mock` sends to the built-in mock server, for send and send-batch alike.

/** Never the real one, which stays in the environment. */
export const mockToken = 'MockTokenNotASecret0000';
