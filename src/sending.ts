// What a request needs beyond openapi-fetch, gathered in one module so that a bundler makes it one
// chunk, loaded with the first request rather than with createClient: the attempts loop (timeout,
// abort, retries), the guarded transport and the Request class it sends without fetch's copy.
export { runAttempts } from './attempts.js';
export { SendableRequest } from './sendable-request.js';
export { createTransport, guardPerCallInit } from './transport.js';
