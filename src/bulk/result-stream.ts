// The results of a batch as an async iterator: pushed as items settle, taken by the caller's
// `for await`. The batch reads more input only as results are taken, so a caller that stops
// taking them stops the batch from growing (see createMany's look-ahead).

export class ResultStream<R> implements AsyncIterator<R> {
  private readonly queue: R[] = [];
  private readonly takers: Array<{ resolve(result: IteratorResult<R>): void; reject(error: unknown): void }> = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  constructor(
    /** Called after each result is taken. */
    private readonly onTake: () => void,
    /** The caller left the loop early (break, return, throw): resolves once the batch has stopped. */
    private readonly onReturn: () => Promise<void>,
  ) {}

  push(result: R): void {
    const taker = this.takers.shift();
    if (taker) {
      taker.resolve({ value: result, done: false });
      this.onTake();
    } else this.queue.push(result);
  }

  end(): void {
    this.ended = true;
    for (const taker of this.takers.splice(0)) taker.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.ended = true;
    for (const taker of this.takers.splice(0)) taker.reject(error);
  }

  next(): Promise<IteratorResult<R>> {
    if (this.queue.length > 0) {
      const value = this.queue.shift()!;
      this.onTake();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined; // thrown once, then the stream is simply done
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<R>> {
    this.queue.length = 0;
    await this.onReturn();
    this.ended = true;
    return { value: undefined, done: true };
  }
}
