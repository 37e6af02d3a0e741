import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { canonicalHash } from '../../core/hash.ts';
import type { GenerationSettings, Provider, StepResult } from '../../providers/provider.ts';

/**
 * The provider's sampling settings as part of a cache key: the same messages at another temperature are another
 * question. Left out when there are none, so a cache written before settings existed still answers.
 */
function settingsOf(provider: Provider): { settings?: GenerationSettings } {
  const settings = provider.settings ?? {};
  return Object.keys(settings).length > 0 ? { settings } : {};
}

/**
 * Model responses by request hash, so a resumed or repeated run does not pay for the same call twice.
 * The key includes the epoch: epochs are independent samples and must not share answers.
 */
export class ResponseCache {
  readonly #database: DatabaseSync;
  readonly #select;
  readonly #insert;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#database = new DatabaseSync(path);
    // A cache may lose its last rows in a power cut (they are asked again), so commits need not wait for the disk.
    this.#database.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, result TEXT NOT NULL)',
    );
    this.#select = this.#database.prepare('SELECT result FROM responses WHERE key = ?');
    this.#insert = this.#database.prepare('INSERT OR REPLACE INTO responses (key, result) VALUES (?, ?)');
  }

  wrap(provider: Provider, epoch: number): Provider & { hits: number } {
    const cache = this;
    const wrapped = {
      id: provider.id,
      hits: 0,
      async step(...args: Parameters<Provider['step']>): Promise<StepResult> {
        const [messages, tools, options] = args;
        const key = canonicalHash({ model: provider.id, epoch, messages, tools, ...settingsOf(provider) });
        const row = cache.#select.get(key) as { result: string } | undefined;
        if (row) {
          wrapped.hits += 1;
          return JSON.parse(row.result) as StepResult;
        }
        const result = await provider.step(messages, tools, options);
        cache.#insert.run(key, JSON.stringify(result));
        return result;
      },
    };
    return wrapped;
  }

  close(): void {
    this.#database.close();
  }
}
