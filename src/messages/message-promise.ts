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

export class MessagePromise extends Promise<Message> {
  // catch() and finally() call then(); what they make is a plain Promise (this constructor takes
  // no executor).
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #full: Promise<MessageWithResponse>;

  constructor(full: Promise<MessageWithResponse>) {
    // The base promise settles at once and is never used: then (and so catch, finally) reads `full`, so a
    // failure is reported (or unhandled) once, where the caller awaits it.
    super((resolve) => resolve(undefined as never));
    this.#full = full;
  }

  /** The message, the Response it came in, and its request id. */
  withResponse(): Promise<MessageWithResponse> {
    return this.#full;
  }

  override then<A = Message, B = never>(
    onFulfilled?: ((value: Message) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#full.then((result) => result.data).then(onFulfilled, onRejected);
  }
}
