import { describe, expect, it } from 'vitest';
import { serverStoreBackends } from '../../../test/helpers/server-store-backends.ts';
import { generateKeyPair } from '../../core/ed25519.ts';
import { type AgentRegistration, agentRegistrationSchema } from '../../kernel/fleet/fleet-protocol.ts';
import { verifyServerAudit } from './server-audit-chain.ts';

const principal = generateKeyPair();
const registration = (agent: string, groups: string[]): AgentRegistration =>
  agentRegistrationSchema.parse({
    agent,
    publicKey: null,
    charterHash: 'a'.repeat(64),
    groups,
    principals: [{ id: 'alice', key: principal.publicKeyText, roles: ['owner'] }],
    runId: `run-${agent}`,
    authority: { resume: { roles: ['owner'], quorum: 2 } },
  });
const order = (target: string, id: string) => ({
  target,
  envelopeId: id,
  kind: 'stop',
  envelope: JSON.stringify({ id, agent: target }),
  submittedBy: 'alice',
  submittedAt: '2026-01-01T00:00:00.000Z',
});

const backends = serverStoreBackends('contract');

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the server store on ${backend.name}`, () => {
    it('registers agents, re-registers them in place, and tracks when they were seen and their status', async () => {
      const { store, reopen } = await backend.open();
      await store.registerAgent(registration('b-agent', ['fleet']), '2026-01-01T00:00:00.000Z');
      const first = await store.registerAgent(registration('a-agent', []), '2026-01-01T00:00:00.000Z');
      expect(first).toMatchObject({
        id: 'a-agent',
        groups: [],
        status: 'unknown',
        runId: 'run-a-agent',
        anchor: null,
        target: null,
      });
      // A new registration never replaces an agent; a replacing one only while the key is still the one it expects.
      expect(await store.registerAgent(registration('a-agent', ['x']), '2026-01-01T00:00:30.000Z')).toBeUndefined();
      expect(
        await store.registerAgent(registration('a-agent', ['x']), '2026-01-01T00:00:30.000Z', {
          publicKey: principal.publicKeyText,
        }),
      ).toBeUndefined();
      await store.registerAgent(
        { ...registration('a-agent', ['fleet']), runId: 'second', target: 'if-ranked' },
        '2026-01-01T00:01:00.000Z',
        {
          publicKey: null,
        },
      );
      await store.touchAgent('a-agent', '2026-01-01T00:02:00.000Z', 'halted');
      await store.close();
      const again = await reopen();
      expect((await again.listAgents()).map((agent) => agent.id)).toEqual(['a-agent', 'b-agent']);
      expect(await again.getAgent('a-agent')).toMatchObject({
        groups: ['fleet'],
        runId: 'second',
        lastSeen: '2026-01-01T00:02:00.000Z',
        status: 'halted',
        principals: [{ id: 'alice', roles: ['owner'] }],
        authority: { resume: { roles: ['owner'], quorum: 2 }, stop: { roles: 'any', quorum: 1 } },
        target: 'if-ranked',
      });
      expect(await again.getAgent('b-agent')).toMatchObject({ target: null });
      expect(await again.getAgent('nobody')).toBeUndefined();
      await again.close();
    });

    it('keeps orders in sequence, reads them by target after a sequence number, and announces each one', async () => {
      const { store, reopen } = await backend.open();
      const replica = await reopen();
      const announced: Array<{ seq: number; target: string }> = [];
      // Announcements reach the store's own listeners on both backends; on PostgreSQL, every replica's (see below).
      const listening = backend.name === 'PostgreSQL' ? replica : store;
      const heard = new Promise<void>((resolve) =>
        listening.onOrder((order) => {
          announced.push({ seq: order.seq, target: order.target });
          if (announced.length === 3) resolve();
        }),
      );
      const a = await store.addOrder(order('agent-1', 'order-0001'));
      const b = await store.addOrder(order('group:fleet', 'order-0002'));
      const c = await store.addOrder(order('agent-2', 'order-0003'));
      expect(b.seq).toBeGreaterThan(a.seq);
      expect(c.seq).toBeGreaterThan(b.seq);
      await heard;
      expect(listening.announcedThrough()).toBe(c.seq);
      expect(announced).toEqual([
        { seq: a.seq, target: 'agent-1' },
        { seq: b.seq, target: 'group:fleet' },
        { seq: c.seq, target: 'agent-2' },
      ]);
      const forAgent1 = await replica.ordersFor(['agent-1', 'group:fleet'], 0, 100);
      expect(forAgent1.map((stored) => stored.envelopeId)).toEqual(['order-0001', 'order-0002']);
      expect(forAgent1[0]).toMatchObject({
        kind: 'stop',
        submittedBy: 'alice',
        envelope: '{"id":"order-0001","agent":"agent-1"}',
      });
      expect((await replica.ordersFor(['agent-1', 'group:fleet'], a.seq, 100)).map((stored) => stored.seq)).toEqual([
        b.seq,
      ]);
      expect(await replica.ordersFor([], 0, 100)).toEqual([]);
      // Submitted together: each gets its own sequence number, with none skipped, and reads come in that order.
      const together = await Promise.all(
        ['order-0004', 'order-0005', 'order-0006'].map((id) => store.addOrder(order('agent-3', id))),
      );
      expect(together.map((stored) => stored.seq).sort((a, b) => a - b)).toEqual([c.seq + 1, c.seq + 2, c.seq + 3]);
      const read = await store.ordersFor(['agent-3'], c.seq, 100);
      expect(read.map((stored) => stored.seq)).toEqual([c.seq + 1, c.seq + 2, c.seq + 3]);
      expect(new Set(read.map((stored) => stored.envelopeId))).toEqual(
        new Set(['order-0004', 'order-0005', 'order-0006']),
      );
      await Promise.all([store.close(), replica.close()]);
    });

    it('chains its own audit of API calls, one chain across handles, and detects a changed entry', async () => {
      const { store, reopen } = await backend.open();
      const replica = await reopen();
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? store : replica).appendServerAudit(
            [{ actor: 'alice', action: 'agents-listed', data: { count: index } }],
            '2026-01-01T00:00:00.000Z',
          ),
        ),
      );
      const entries = await store.readServerAudit(0, 100);
      expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(verifyServerAudit(entries)).toEqual({ ok: true });
      const changed = entries.map((entry) => (entry.seq === 4 ? { ...entry, actor: 'mallory' } : entry));
      expect(verifyServerAudit(changed)).toMatchObject({ ok: false, seq: 4 });
      expect((await store.readServerAudit(8, 100)).map((entry) => entry.seq)).toEqual([9, 10]);
      const batch = await replica.appendServerAudit(
        [
          { actor: 'bob', action: 'agents-listed', data: { count: 0 } },
          { actor: 'bob', action: 'order-stream-opened', data: { after: 1 } },
        ],
        '2026-01-01T00:00:01.000Z',
      );
      expect(batch.map((entry) => entry.seq)).toEqual([11, 12]);
      expect(verifyServerAudit(await store.readServerAudit(0, 100))).toEqual({ ok: true });
      // A record that does not fit its action's schema is refused with its whole batch; nothing is written.
      await expect(
        store.appendServerAudit(
          [
            { actor: 'bob', action: 'agents-listed', data: { count: 1 } },
            { actor: 'bob', action: 'agents-listed', data: { count: 'many' } },
          ],
          '2026-01-01T00:00:02.000Z',
        ),
      ).rejects.toThrow(/'agents-listed' data: count/);
      await expect(
        store.appendServerAudit([{ actor: 'bob', action: 'agent-deleted', data: {} }], '2026-01-01T00:00:02.000Z'),
      ).rejects.toThrow(/unknown server audit action 'agent-deleted'/);
      expect((await store.readServerAudit(0, 100)).length).toBe(12);
      await Promise.all([store.close(), replica.close()]);
    });

    it('keeps a setting as its first writer set it', async () => {
      const { store, reopen } = await backend.open();
      expect(await store.setting('token-secret', () => 'first')).toBe('first');
      await store.close();
      const again = await reopen();
      expect(await again.setting('token-secret', () => 'second')).toBe('first');
      await again.close();
    });

    it('stores shipped agent events once each, whatever is shipped twice', async () => {
      const { store } = await backend.open();
      const entry = (seq: number) => ({ seq, agent: 'agent-1', type: 'halt', data: { seq } });
      expect(await store.addAgentEvents('agent-1', [entry(1), entry(2)])).toBe(2);
      await store.registerAgent(registration('agent-1', []), '2026-01-01T00:00:00.000Z');
      expect(
        await store.addAgentEvents('agent-1', [entry(2), entry(3)], {
          at: '2026-01-02T00:00:00.000Z',
          status: 'halted',
        }),
      ).toBe(1);
      expect(await store.getAgent('agent-1')).toMatchObject({ lastSeen: '2026-01-02T00:00:00.000Z', status: 'halted' });
      expect(await store.addAgentEvents('agent-2', [entry(1)])).toBe(1);
      const read = await store.readAgentEvents('agent-1', 1, 100);
      expect(read).toEqual([
        { seq: 2, entry: entry(2) },
        { seq: 3, entry: entry(3) },
      ]);
      await store.close();
    });

    it('resumes a new agent after the orders stored before it, and keeps that point when it registers again', async () => {
      const { store } = await backend.open();
      await store.addOrder(order('group:fleet', 'order-1'));
      await store.addOrder(order('agent-1', 'order-2'));
      const first = await store.registerAgent(registration('agent-1', ['fleet']), '2026-01-01T00:00:00.000Z');
      expect(first?.resumeAfter).toBe(2);
      await store.addOrder(order('group:fleet', 'order-3'));
      const again = await store.registerAgent(registration('agent-1', ['fleet']), '2026-01-01T00:01:00.000Z', {
        publicKey: null,
      });
      expect(again?.resumeAfter).toBe(2);
      expect((await store.registerAgent(registration('agent-2', []), '2026-01-01T00:01:00.000Z'))?.resumeAfter).toBe(3);
      await store.close();
    });

    it('keeps the latest anchor an agent shipped, never an older one', async () => {
      const { store, reopen } = await backend.open();
      await store.registerAgent(registration('agent-1', []), '2026-01-01T00:00:00.000Z');
      const anchor = (seq: number) => ({ seq, hash: 'a'.repeat(64), head: 'b'.repeat(64), signature: 's'.repeat(86) });
      await store.setAnchor('agent-1', anchor(20));
      await store.setAnchor('agent-1', anchor(10));
      await store.close();
      const again = await reopen();
      expect((await again.getAgent('agent-1'))?.anchor).toEqual(anchor(20));
      await again.setAnchor('agent-1', anchor(30));
      expect((await again.getAgent('agent-1'))?.anchor).toEqual(anchor(30));
      await again.close();
    });

    it('feeds shipped entries in the order they arrived, from every handle, and announces them', async () => {
      const { store, reopen } = await backend.open();
      const replica = backend.name === 'PostgreSQL' ? await reopen() : store;
      const entry = (agent: string, seq: number) => ({ seq, agent, type: 'halt', data: { seq } });
      let woken = 0;
      const wokenOnReplica = new Promise<void>((resolve) => {
        const unsubscribe = replica.onFeed(() => {
          woken += 1;
          unsubscribe();
          resolve();
        });
      });
      await store.addAgentEvents('agent-1', [entry('agent-1', 1), entry('agent-1', 2)]);
      await wokenOnReplica;
      expect(woken).toBe(1);
      await replica.addAgentEvents('agent-2', [entry('agent-2', 1)]);
      // Shipped again: not fed twice.
      await store.addAgentEvents('agent-1', [entry('agent-1', 2), entry('agent-1', 3)]);
      const fed = await replica.readFeed(0, 100);
      expect(fed.map((item) => [item.agent, item.entry.seq])).toEqual([
        ['agent-1', 1],
        ['agent-1', 2],
        ['agent-2', 1],
        ['agent-1', 3],
      ]);
      expect(fed.map((item) => item.feedSeq)).toEqual([...fed.map((item) => item.feedSeq)].sort((a, b) => a - b));
      const after = fed[1]!.feedSeq;
      expect((await store.readFeed(after, 100, 'agent-1')).map((item) => item.entry)).toEqual([entry('agent-1', 3)]);
      expect(await store.readFeed(fed[3]!.feedSeq, 100)).toEqual([]);
      await store.close();
      if (replica !== store) await replica.close();
    });

    it('finds an order by its envelope id', async () => {
      const { store } = await backend.open();
      const stored = await store.addOrder(order('agent-1', 'order-0001'));
      expect(await store.findOrder('order-0001')).toEqual(stored);
      expect(await store.findOrder('order-0002')).toBeUndefined();
      await store.close();
    });

    it('keeps pending orders, refuses a second with the same id, and changes one only at the version read', async () => {
      const { store, reopen } = await backend.open();
      const replica = await reopen();
      const pending = {
        id: 'order-0001',
        target: 'agent-1',
        kind: 'resume',
        envelope: '{"sigs":[1]}',
        proposedBy: 'alice',
        proposedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:10:00.000Z',
      };
      expect(await store.addPendingOrder(pending)).toBe(true);
      expect(await replica.addPendingOrder({ ...pending, proposedBy: 'mallory' })).toBe(false);
      expect(
        await store.addPendingOrder({ ...pending, id: 'order-0002', proposedAt: '2026-01-01T00:01:00.000Z' }),
      ).toBe(true);
      const read = await replica.getPendingOrder('order-0001');
      expect(read).toEqual({ ...pending, status: 'pending', seq: null, version: 1 });
      expect(await store.getPendingOrder('order-0009')).toBeUndefined();
      expect((await replica.listPendingOrders(10)).map((stored) => stored.id)).toEqual(['order-0002', 'order-0001']);
      expect((await replica.listPendingOrders(1)).map((stored) => stored.id)).toEqual(['order-0002']);
      // Two co-signers read version 1; only the first change lands, the second must read again.
      const [first, second] = await Promise.all([
        store.changePendingOrder('order-0001', 1, { envelope: '{"sigs":[1,2]}', status: 'pending', seq: null }),
        replica.changePendingOrder('order-0001', 1, { envelope: '{"sigs":[1,3]}', status: 'pending', seq: null }),
      ]);
      expect([first, second].filter((changed) => changed !== undefined)).toHaveLength(1);
      const submitted = await store.changePendingOrder('order-0001', 2, {
        envelope: (first ?? second)!.envelope,
        status: 'submitted',
        seq: 42,
      });
      expect(submitted).toMatchObject({ status: 'submitted', seq: 42, version: 3 });
      await store.close();
      const again = await reopen();
      expect(await again.getPendingOrder('order-0001')).toEqual(submitted);
      expect(await again.changePendingOrder('order-0009', 1, { envelope: '', status: 'withdrawn', seq: null })).toBe(
        undefined,
      );
      await Promise.all([again.close(), replica.close()]);
    });

    it('reads shipped entries of some types only', async () => {
      const { store } = await backend.open();
      const entry = (seq: number, type: string) => ({ seq, agent: 'agent-1', type, data: { seq } });
      await store.addAgentEvents('agent-1', [
        entry(1, 'check-requested'),
        entry(2, 'model-call-end'),
        entry(3, 'check-answered'),
        entry(4, 'check-requested'),
      ]);
      const read = await store.readAgentEventsOfTypes('agent-1', ['check-requested', 'check-answered'], 0, 100);
      expect(read.map((stored) => stored.seq)).toEqual([1, 3, 4]);
      expect((await store.readAgentEventsOfTypes('agent-1', ['check-requested'], 1, 100)).map((s) => s.seq)).toEqual([
        4,
      ]);
      expect(await store.readAgentEventsOfTypes('agent-1', [], 0, 100)).toEqual([]);
      await store.close();
    });

    it('counts the registered agents whose charters list a group', async () => {
      const { store } = await backend.open();
      expect(await store.countGroupMembers('fleet')).toBe(0);
      await store.registerAgent(registration('agent-1', ['fleet', 'night-shift']), '2026-01-01T00:00:00.000Z');
      await store.registerAgent(registration('agent-2', ['fleet']), '2026-01-01T00:00:00.000Z');
      await store.registerAgent(registration('agent-3', ['fleet-b']), '2026-01-01T00:00:00.000Z');
      expect(await store.countGroupMembers('fleet')).toBe(2);
      expect(await store.countGroupMembers('night-shift')).toBe(1);
      // A name that is only part of a group's, or looks like a pattern, matches nothing.
      expect(await store.countGroupMembers('flee')).toBe(0);
      expect(await store.countGroupMembers('%')).toBe(0);
      // Re-registering with other groups moves the agent.
      await store.registerAgent(registration('agent-1', ['night-shift']), '2026-01-02T00:00:00.000Z', {
        publicKey: null,
      });
      expect(await store.countGroupMembers('fleet')).toBe(1);
      await store.close();
    });

    it("stores several agents' shipments in one call, refusing those of unregistered agents", async () => {
      const { store } = await backend.open();
      const entry = (agent: string, seq: number) => ({ seq, agent, type: 'halt', data: { seq } });
      await store.registerAgent(registration('agent-1', []), '2026-01-01T00:00:00.000Z');
      await store.registerAgent(registration('agent-2', []), '2026-01-01T00:00:00.000Z');
      expect(await store.addAgentEventShipments([])).toEqual([]);
      const added = await store.addAgentEventShipments([
        {
          agent: 'agent-1',
          entries: [entry('agent-1', 1), entry('agent-1', 2)],
          seen: { at: '2026-01-02T00:00:00.000Z', status: 'running' },
        },
        { agent: 'stranger', entries: [entry('stranger', 1)], seen: { at: '2026-01-02T00:00:00.000Z' } },
        {
          agent: 'agent-2',
          entries: [entry('agent-2', 1)],
          seen: { at: '2026-01-02T00:00:00.000Z', status: 'halted' },
        },
        // Shipped twice (a retry racing its first try): stored once, counted for the first.
        {
          agent: 'agent-1',
          entries: [entry('agent-1', 2), entry('agent-1', 3)],
          seen: { at: '2026-01-03T00:00:00.000Z' },
        },
      ]);
      expect(added).toEqual([2, null, 1, 1]);
      expect(await store.getAgent('stranger')).toBeUndefined();
      expect(await store.readAgentEvents('stranger', 0, 100)).toEqual([]);
      expect((await store.readAgentEvents('agent-1', 0, 100)).map((stored) => stored.entry)).toEqual([
        entry('agent-1', 1),
        entry('agent-1', 2),
        entry('agent-1', 3),
      ]);
      // The last shipment sets when the agent was seen; a shipment without a status keeps the one before.
      expect(await store.getAgent('agent-1')).toMatchObject({
        lastSeen: '2026-01-03T00:00:00.000Z',
        status: 'running',
      });
      expect(await store.getAgent('agent-2')).toMatchObject({ lastSeen: '2026-01-02T00:00:00.000Z', status: 'halted' });
      expect(
        await store.addAgentEventShipments([
          { agent: 'agent-2', entries: [entry('agent-2', 1)], seen: { at: '2026-01-04T00:00:00.000Z' } },
        ]),
      ).toEqual([0]);
      await store.close();
    });
  });
}
