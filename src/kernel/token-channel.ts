/**
 * A single-consumer async channel: the kernel pushes tokens as the engine produces them, the caller
 * reads them with `for await`. Unbounded (a job's output is bounded by its `maxTokens` or its context), so the engine
 * never waits for a slow reader. Breaking out of the loop calls `onReturn` (the job cancels itself).
 */
export class TokenChannel<T> implements AsyncIterable<T> {
  private buffer: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private closed = false;
  private error: unknown = null;
  private iterating = false;

  constructor(private readonly onReturn: () => void = () => {}) {}

  /** Append a value (ignored once closed). */
  push(value: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value, done: false });
    } else {
      this.buffer.push(value);
    }
  }

  /** End the stream; buffered values are still delivered. With an error, the reader's loop throws it. */
  close(error: unknown = null): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    if (this.waiter && this.buffer.length === 0) {
      const w = this.waiter;
      this.waiter = null;
      if (error) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new TypeError('A job token stream can be iterated only once');
    this.iterating = true;
    return {
      next: () => {
        if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift()!, done: false });
        if (this.closed) return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => { this.waiter = { resolve, reject }; });
      },
      return: () => {
        if (!this.closed) this.onReturn();
        this.buffer = [];
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
