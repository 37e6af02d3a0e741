// A share of the server bench's fleet: agents joined to `heed serve`, which tell the bench when every one of them has
// verified an order, stopped and recorded it. Run as a worker thread (agents are separate processes in a deployment,
// so they do not share the server's event loop), or in the bench's own thread to measure the way it was first built.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AuditEntry } from '../src/audit/audit-event.ts';
import { type Agent, createAgent } from '../src/kernel/create-agent.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';

export interface FleetMembersData {
  /** The servers the agents join: agent `index` joins the one at `index % servers.length`. */
  servers: string[];
  prefix: string;
  /** The indices of this share's agents. */
  indices: number[];
  /** The public key of the principal who may stop them. */
  principalKey: string;
}

export type FleetMembersMessage =
  | { type: 'joined' }
  /** Every agent of the share has recorded order `id`'s acceptance; times from `performance.timeOrigin`. */
  | { type: 'accepted'; id: string; firstAt: number; stopped: boolean }
  /** Every agent of the share has shipped all it has recorded to its server. */
  | { type: 'shipped' }
  | { type: 'closed' };

/** What the bench asks of a share running in a worker thread. */
export type FleetMembersRequest = 'ship' | 'close';

/** A time in milliseconds that threads agree on (each thread's `performance.now()` starts at its own origin). */
export const sharedNow = () => performance.timeOrigin + performance.now();

/** Joins the share's agents; `tell` hears `accepted` for each order every one of them has recorded. */
export async function joinFleetMembers(
  data: FleetMembersData,
  tell: (message: FleetMembersMessage) => void,
): Promise<{ ship: () => Promise<void>; close: () => Promise<void> }> {
  // A model is never called: the agents take orders and record them, which is what the figures measure.
  const provider = createOpenAiCompatibleProvider({ model: 'unused', baseUrl: 'http://127.0.0.1:9/v1' });
  const agents: Agent[] = [];
  const progress = new Map<string, { count: number; firstAt: number }>();
  for (const index of data.indices) {
    const agent = await createAgent({
      charter: {
        agent: `${data.prefix}-${index}`,
        target: 'if-ranked',
        groups: ['fleet'],
        principals: [{ id: 'alice', key: data.principalKey, roles: ['owner'] }],
      },
      provider,
      screening: false,
      server: data.servers[index % data.servers.length]!,
    });
    agent.onEvent((entry: AuditEntry) => {
      if (entry.type !== 'order-accepted') return;
      const id = entry.data.id as string;
      const seen = progress.get(id) ?? { count: 0, firstAt: sharedNow() };
      seen.count += 1;
      progress.set(id, seen);
      if (seen.count < agents.length) return;
      progress.delete(id);
      const stopped = agents.every((member) => member.authorityState().stopped !== null);
      tell({ type: 'accepted', id, firstAt: seen.firstAt, stopped });
    });
    agents.push(agent);
  }
  await Promise.all(agents.map((agent) => agent.server!.connected()));
  tell({ type: 'joined' });
  return {
    ship: async () => void (await Promise.all(agents.map((agent) => agent.server!.flush()))),
    close: async () => void (await Promise.all(agents.map((agent) => agent.close()))),
  };
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const members = await joinFleetMembers(workerData as FleetMembersData, (message) => port.postMessage(message));
  port.on('message', async (request: FleetMembersRequest) => {
    if (request === 'ship') {
      await members.ship();
      port.postMessage({ type: 'shipped' } satisfies FleetMembersMessage);
      return;
    }
    await members.close();
    port.postMessage({ type: 'closed' } satisfies FleetMembersMessage);
    port.close();
  });
}
