/**
 * Gathers the items handed over in one turn of the event loop and commits them together: one store transaction for
 * many requests, instead of one each. Each caller's promise settles with its own item's result once that commit is
 * done, or rejects with the commit's error.
 */
export class TurnBatcher<Item, Result> {
  readonly #commit: (items: Item[]) => Promise<Result[]>;
  #pending: Array<{ item: Item; done: PromiseWithResolvers<Result> }> = [];

  /** `commit` gets the items in the order they were added and answers one result per item, in that order. */
  constructor(commit: (items: Item[]) => Promise<Result[]>) {
    this.#commit = commit;
  }

  add(item: Item): Promise<Result> {
    const done = Promise.withResolvers<Result>();
    this.#pending.push({ item, done });
    if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    return done.promise;
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    try {
      const results = await this.#commit(batch.map((pending) => pending.item));
      for (const [index, pending] of batch.entries()) pending.done.resolve(results[index]!);
    } catch (error) {
      for (const pending of batch) pending.done.reject(error);
    }
  }
}
