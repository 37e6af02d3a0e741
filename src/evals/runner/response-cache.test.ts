import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { canonicalHash } from '../../core/hash.ts';
import type { GenerationSettings, Provider } from '../../providers/provider.ts';
import { ResponseCache } from './response-cache.ts';

const messages = [{ role: 'user' as const, content: 'hello' }];

/** A provider that counts its calls and answers with the call's number. */
function counting(settings?: GenerationSettings): Provider & { calls: number } {
  const provider = {
    id: 'openai:m',
    calls: 0,
    ...(settings ? { settings } : {}),
    step: async () => {
      provider.calls += 1;
      return {
        text: `answer ${provider.calls}`,
        toolCalls: [],
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: 'stop' as const,
      };
    },
  };
  return provider;
}

describe('the response cache', () => {
  it('keys answers by the sampling settings too: another temperature is another question', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-cache-')), 'cache.db');
    const cache = new ResponseCache(path);
    const warm = counting({ temperature: 0.2, seed: 1 });
    const hot = counting({ temperature: 0.9, seed: 1 });
    expect((await cache.wrap(warm, 0).step(messages, [], { signal: undefined })).text).toBe('answer 1');
    expect((await cache.wrap(hot, 0).step(messages, [], { signal: undefined })).text).toBe('answer 1');
    const again = cache.wrap(counting({ seed: 1, temperature: 0.2 }), 0);
    expect((await again.step(messages, [], { signal: undefined })).text).toBe('answer 1');
    expect(again.hits).toBe(1);
    expect([warm.calls, hot.calls]).toEqual([1, 1]);
    cache.close();
  });

  it('keeps the keys of a cache written before settings existed when a provider has none', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-cache-')), 'cache.db');
    const cache = new ResponseCache(path);
    await cache.wrap(counting(), 3).step(messages, [], { signal: undefined });
    await cache.wrap(counting({}), 4).step(messages, [], { signal: undefined });
    cache.close();
    const database = new DatabaseSync(path);
    const keys = database
      .prepare('SELECT key FROM responses ORDER BY key')
      .all()
      .map((row) => row.key);
    database.close();
    const expected = [3, 4].map((epoch) => canonicalHash({ model: 'openai:m', epoch, messages, tools: [] }));
    expect(keys).toEqual(expected.sort());
  });
});
