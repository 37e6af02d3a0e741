// Builds agents from real parts (createAgent: authority, scripted provider, audit store) for the kernel tests.
import { afterEach, expect } from 'vitest';
import type { AuditEntry, AuditEventInput, AuditStore } from '../../src/audit/audit-event.ts';
import { checkAuditEvent } from '../../src/audit/events/check-audit-event.ts';
import { openMemoryAuditStore } from '../../src/audit/memory/memory-audit-store.ts';
import type { Envelope } from '../../src/authority/envelope.ts';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { AuthorityStore } from '../../src/authority/store/authority-store.ts';
import { createMemoryAuthorityStore } from '../../src/authority/store/memory-authority-store.ts';
import type { Charter, CharterInput, OrderKind } from '../../src/charter/charter-schema.ts';
import { parseCharter } from '../../src/charter/load-charter.ts';
import type { Clock } from '../../src/core/clock.ts';
import { generateKeyPair, type PrincipalKeyPair } from '../../src/core/ed25519.ts';
import { type Agent, type CreateAgentOptions, createAgent } from '../../src/kernel/create-agent.ts';
import type { Tool } from '../../src/kernel/tool.ts';
import { createScriptedProvider, type ScriptedProvider } from '../../src/providers/scripted/scripted-provider.ts';
import type { ScriptedTurn, ScriptedTurnFunction } from '../../src/providers/scripted/scripted-turn.ts';

let keys: { alice: PrincipalKeyPair; bob: PrincipalKeyPair; mallory: PrincipalKeyPair } | undefined;

export function principalKeys() {
  keys ??= { alice: generateKeyPair(), bob: generateKeyPair(), mallory: generateKeyPair() };
  return keys;
}

export function testCharter(overrides: Partial<CharterInput> = {}): Charter {
  const { alice, bob } = principalKeys();
  return parseCharter({
    agent: 'agent-1',
    target: 'if-ranked',
    principals: [
      { id: 'alice', key: alice.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: bob.publicKeyText, roles: ['operator'] },
    ],
    stop: { grace: '150ms' },
    ...overrides,
  });
}

export function signOrder(
  kind: OrderKind,
  body: Record<string, unknown>,
  options: { clock: Clock; principal?: 'alice' | 'bob' | 'mallory'; agent?: string; ttlMs?: number },
): Envelope {
  const principal = options.principal ?? 'alice';
  const unsigned = createEnvelope({
    agent: options.agent ?? 'agent-1',
    kind,
    body,
    ttlMs: options.ttlMs ?? 600_000,
    now: options.clock.now(),
  });
  return signEnvelope(unsigned, { principal, privateKey: principalKeys()[principal].privateKey });
}

// Every event a test kernel writes must fit its type's schema: a misfit fails the test that wrote it.
const misfits: string[] = [];
afterEach(() => {
  const found = misfits.splice(0);
  expect(found, 'audit events that do not fit their schema').toEqual([]);
});

/** heed's in-memory audit store, recording what it committed, and able to fail from some append on. */
export interface TestAuditStore extends AuditStore {
  entries: AuditEntry[];
  failFrom: number | null;
}

export function createTestAuditStore(failFrom: number | null = null): TestAuditStore {
  const inner = openMemoryAuditStore({ agent: 'agent-1' });
  const entries: AuditEntry[] = [];
  let calls = 0;
  const store: TestAuditStore = {
    entries,
    failFrom,
    async append(event: AuditEventInput) {
      calls += 1;
      if (store.failFrom !== null && calls >= store.failFrom) {
        store.failFrom = 0;
        throw new Error('disk full');
      }
      const entry = await inner.append(event);
      const check = checkAuditEvent(entry.type, entry.data);
      if (!check.ok) misfits.push(`seq ${entry.seq}: ${check.reason}`);
      entries.push(entry);
      return entry;
    },
    read: (options) => inner.read(options),
    close: () => inner.close(),
  };
  return store;
}

export interface TestKernel {
  kernel: Agent;
  provider: ScriptedProvider;
  store: TestAuditStore;
  charter: Charter;
  clock: Clock;
}

/** An agent built by `createAgent` in memory, with a scripted model, a recording audit store and no screening. */
export async function createTestKernel(options: {
  turns: ReadonlyArray<ScriptedTurn | ScriptedTurnFunction> | ScriptedTurnFunction;
  tools?: Tool[];
  charter?: Charter;
  clock?: Clock;
  store?: TestAuditStore;
  /** Shared between kernels to restart an agent in process: the second restores what the first left. */
  authorityStore?: AuthorityStore;
  extra?: Partial<CreateAgentOptions>;
}): Promise<TestKernel> {
  const clock = options.clock ?? { now: () => Date.now() };
  const charter = options.charter ?? testCharter();
  const provider = createScriptedProvider({ turns: options.turns });
  const store = options.store ?? createTestAuditStore();
  const kernel = await createAgent({
    charter,
    instructions: 'You are a test agent.',
    provider,
    tools: options.tools ?? [],
    audit: store,
    authorityStore: options.authorityStore ?? createMemoryAuthorityStore(),
    screening: false,
    clock,
    ...options.extra,
  });
  return { kernel, provider, store, charter, clock };
}

export function types(store: TestAuditStore): string[] {
  return store.entries.map((entry) => entry.type);
}

/** Polls every 2 ms until `condition` holds; throws when it has not after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  for (let waited = 0; waited < timeoutMs && !condition(); waited += 2) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (!condition()) throw new Error('condition never held');
}
