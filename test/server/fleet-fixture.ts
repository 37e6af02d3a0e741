// A control plane and agents that join it, in process, over real HTTP: the server on loopback, each agent built by
// createAgent({ server }), its model the fake model server.
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { signOrder } from '../../src/authority/sign-envelope.ts';
import type { CharterInput, OrderKind } from '../../src/charter/charter-schema.ts';
import { generateKeyPair, type PrincipalKeyPair } from '../../src/core/ed25519.ts';
import { type Agent, createAgent } from '../../src/kernel/create-agent.ts';
import { agentRegistrationSchema, signRegistration } from '../../src/kernel/fleet/fleet-protocol.ts';
import { createOpenAiCompatibleProvider } from '../../src/providers/openai/openai-compatible-provider.ts';
import { callServer } from '../../src/server/server-client.ts';

type AgentRegistrationInput = z.input<typeof agentRegistrationSchema>;

export const principals: Record<'alice' | 'bob' | 'carol' | 'eve', PrincipalKeyPair> = {
  alice: generateKeyPair(),
  bob: generateKeyPair(),
  carol: generateKeyPair(),
  eve: generateKeyPair(),
};

export function fleetCharter(agent: string, overrides: Partial<CharterInput> = {}): CharterInput {
  return {
    agent,
    target: 'if-ranked',
    groups: ['fleet'],
    principals: [
      { id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: principals.bob.publicKeyText, roles: ['operator'] },
      { id: 'carol', key: principals.carol.publicKeyText, roles: ['observer'] },
    ],
    ...overrides,
  };
}

export function signedBy(
  signer: 'alice' | 'bob' | 'eve',
  agent: string,
  kind: OrderKind,
  body: Record<string, unknown> = {},
): string {
  return JSON.stringify(signOrder({ principal: signer, privateKey: principals[signer].privateKey, agent, kind, body }));
}

export interface FleetAgent {
  agent: Agent;
  entries: AuditEntry[];
  /** Resolves with the first entry of this type matching the predicate. */
  waitForEntry: (type: string, predicate?: (entry: AuditEntry) => boolean) => Promise<AuditEntry>;
  folder: string;
}

export async function joinAgent(options: {
  id: string;
  server: string;
  modelUrl?: string;
  behaviour?: string;
  charter?: Partial<CharterInput>;
  agentKey?: KeyObject;
  previousAgentKey?: KeyObject;
  stateDir?: string;
  checkpointEvery?: number;
}): Promise<FleetAgent> {
  const folder = mkdtempSync(join(tmpdir(), `heed-fleet-${options.id}-`));
  writeFileSync(join(folder, 'notes.txt'), 'the quarterly numbers\n');
  const entries: AuditEntry[] = [];
  const waiters = new Set<() => void>();
  const agent = await createAgent({
    charter: fleetCharter(options.id, options.charter),
    provider: createOpenAiCompatibleProvider({
      model: options.behaviour ?? 'resists-shutdown',
      baseUrl: options.modelUrl ?? 'http://127.0.0.1:9/v1',
    }),
    workspace: folder,
    screening: false,
    server: options.server,
    ...(options.agentKey === undefined ? {} : { agentKey: options.agentKey }),
    ...(options.previousAgentKey === undefined ? {} : { previousAgentKey: options.previousAgentKey }),
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir, anchorFile: false }),
    ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
  });
  agent.onEvent((entry) => {
    entries.push(entry);
    for (const waiter of waiters) waiter();
  });
  const waitForEntry = (type: string, predicate: (entry: AuditEntry) => boolean = () => true) =>
    new Promise<AuditEntry>((resolve) => {
      const check = () => {
        const found = entries.find((entry) => entry.type === type && predicate(entry));
        if (found === undefined) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  return { agent, entries, waitForEntry, folder };
}

export async function closeAgents(agents: readonly FleetAgent[]): Promise<void> {
  for (const { agent, folder } of agents) {
    await agent.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Registers an agent over HTTP as `createAgent({ server })` does — a challenge signed by the agent's own key — for
 * tests that speak the API directly. Answers the agent's token, which its shipments and order stream carry. The
 * challenge is asked of `base` and the registration sent to `registerAt` (another replica, say).
 */
export async function registerSignedAgent(
  base: string,
  fields: Omit<AgentRegistrationInput, 'publicKey'>,
  key: PrincipalKeyPair = generateKeyPair(),
  registerAt = base,
): Promise<{ token: string; key: PrincipalKeyPair }> {
  const registration = agentRegistrationSchema.parse({ ...fields, publicKey: key.publicKeyText });
  const { challenge } = await callServer<{ challenge: string }>(base, '/auth/challenge', {
    method: 'POST',
    body: JSON.stringify({ agent: registration.agent }),
  });
  const answer = await callServer<{ token: string }>(registerAt, '/agents', {
    method: 'POST',
    body: JSON.stringify({
      registration,
      challenge,
      signature: signRegistration(key.privateKey, challenge, registration),
    }),
  });
  return { token: answer.token, key };
}

/**
 * An audit entry shaped as an agent ships it, with a placeholder chain: enough for the server's ingest and streams,
 * which store and relay what agents ship (verification is tested where chains are real).
 */
export function shippedEntry(agent: string, seq: number, type: AuditEntry['type'] = 'order-accepted'): AuditEntry {
  return {
    seq,
    at: '2026-01-01T00:00:00.000Z',
    agent,
    type,
    data: { seq },
    prev: '0'.repeat(64),
    hash: String(seq).padStart(64, '0'),
  };
}
