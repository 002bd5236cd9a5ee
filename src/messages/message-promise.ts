// What messages.create returns: a Promise of the typed message that can also hand over the HTTP
// answer it came in (`.withResponse()`), as openai-node's APIPromise does. A method rather than a
// `{ withResponse: true }` option, so that `await create(params)` is always a Message (no overloads
// that change the result type by a flag) and the answer is there without a second request.
import type { Message } from './types.js';

/** The message with the answer it came in. */
export interface MessageWithResponse {
  data: Message;
  /** The final attempt's answer: status and headers (its body was already read into `data`). */
  response: Response;
  /** The server's X-Request-Id (Rails sends one with every answer): quote it when asking support. */
  requestId: string | undefined;
}

/** A Promise of the message, with `.withResponse()` for the answer it came in. */
export interface MessagePromise extends Promise<Message> {
  /** The message, the Response it came in, and its request id (the same single request). */
  withResponse(): Promise<MessageWithResponse>;
}

export function messagePromise(full: Promise<MessageWithResponse>): MessagePromise {
  const data = full.then((result) => result.data);
  // A failure is reported once, where the caller awaits it: whoever asks for the answer gets it
  // from `full`, and the message promise they leave aside must not become an unhandled rejection.
  // A call nobody awaits still is one, as any forgotten promise is.
  return Object.assign(data, { withResponse: () => (data.catch(() => {}), full) });
}
