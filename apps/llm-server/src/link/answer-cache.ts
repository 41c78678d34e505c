/**
 * Idempotency (messages.md): a request resent with the same id after a reconnect is answered again,
 * not executed again. The answers of requests that change something are kept for a while; a resend
 * that arrives while the first is still running waits for the same answer.
 */
export class AnswerCache<A> {
  private readonly done = new Map<string, { answer: A; at: number }>();
  private readonly running = new Map<string, Promise<A>>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored or pending answer for `id`, else runs `execute` once and remembers its answer. */
  answer(id: string, execute: () => Promise<A>): Promise<A> {
    this.expire();
    const stored = this.done.get(id);
    if (stored) return Promise.resolve(stored.answer);
    const pending = this.running.get(id);
    if (pending) return pending;
    const promise = execute().then((answer) => {
      this.running.delete(id);
      this.done.set(id, { answer, at: this.now() });
      if (this.done.size > this.maxEntries) this.done.delete(this.done.keys().next().value as string);
      return answer;
    });
    this.running.set(id, promise);
    // `execute` turns failures into answers; if it still rejects, forget it so a resend runs again.
    promise.catch(() => this.running.delete(id));
    return promise;
  }

  has(id: string): boolean {
    this.expire();
    return this.done.has(id) || this.running.has(id);
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, entry] of this.done) {
      if (entry.at >= cutoff) break; // insertion order = age order
      this.done.delete(id);
    }
  }
}
