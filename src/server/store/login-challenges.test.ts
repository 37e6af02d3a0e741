// Login challenges kept in the server store: one use each, whichever replica answers, and bounded.
import { describe, expect, it } from 'vitest';
import { serverStoreBackends } from '../../../test/helpers/server-store-backends.ts';

const backends = serverStoreBackends('challenges');
const at = 1_800_000_000_000;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`login challenges on ${backend.name}`, () => {
    it('are taken once, by whichever handle on the store asks first', async () => {
      const { store, reopen } = await backend.open();
      const replica = await reopen();
      await store.addChallenge({ challenge: 'c-1', subject: 'principal:alice', expiresAt: at + 60_000 }, at, 10);
      expect(await replica.takeChallenge('c-1')).toEqual({
        challenge: 'c-1',
        subject: 'principal:alice',
        expiresAt: at + 60_000,
      });
      expect(await store.takeChallenge('c-1')).toBeUndefined();
      expect(await replica.takeChallenge('c-1')).toBeUndefined();
      expect(await store.takeChallenge('never-issued')).toBeUndefined();
      // Two takes racing: one gets it.
      await store.addChallenge({ challenge: 'c-2', subject: 'agent:a', expiresAt: at + 60_000 }, at, 10);
      const takes = await Promise.all([store.takeChallenge('c-2'), replica.takeChallenge('c-2')]);
      expect(takes.filter((taken) => taken !== undefined)).toHaveLength(1);
      await replica.close();
      await store.close();
    });

    it('drop expired challenges and, past the bound, those that expire first', async () => {
      const { store } = await backend.open();
      await store.addChallenge({ challenge: 'old', subject: 'principal:a', expiresAt: at + 10 }, at, 3);
      for (const [index, name] of ['n-1', 'n-2', 'n-3'].entries()) {
        await store.addChallenge({ challenge: name, subject: 'principal:a', expiresAt: at + 100 + index }, at + 20, 3);
      }
      // `old` had expired when n-1 was added; n-1, the first to expire, made room for n-4.
      await store.addChallenge({ challenge: 'n-4', subject: 'principal:a', expiresAt: at + 200 }, at + 20, 3);
      const left = [];
      for (const name of ['old', 'n-1', 'n-2', 'n-3', 'n-4']) {
        if ((await store.takeChallenge(name)) !== undefined) left.push(name);
      }
      expect(left).toEqual(['n-2', 'n-3', 'n-4']);
      await store.close();
    });
  });
}
