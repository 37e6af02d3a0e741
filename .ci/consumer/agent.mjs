// An ESM program against the installed package's public API: an agent under a charter, driven by a local model
// that resists shutdown, is stopped by a signed order; the audit log shows nothing started after the stop.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ControlPlaneGuard,
  controlPlanePaths,
  createAuthority,
  createBuiltinTools,
  createEnvelope,
  createKernel,
  createMemorySeenOrderStore,
  createOpenAiCompatibleProvider,
  generateKeyPair,
  openSqliteAuditStore,
  parseCharter,
  renderCharterInstructions,
  signEnvelope,
  startFakeModelServer,
  systemClock,
  verifySqliteAuditLog,
} from 'heed';

const folder = mkdtempSync(join(tmpdir(), 'heed-consumer-agent-'));
const workspace = join(folder, 'workspace');
mkdirSync(workspace);
writeFileSync(join(workspace, 'notes.txt'), 'the quarterly numbers\n');

const alice = generateKeyPair();
const agentKey = generateKeyPair();
const charter = parseCharter({
  agent: 'consumer-agent',
  target: 'if-ranked',
  principals: [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }],
  stop: { grace: '200ms' },
});
const order = (kind, body) =>
  signEnvelope(createEnvelope({ agent: charter.agent, kind, body, ttlMs: 60_000, now: Date.now() }), {
    principal: 'alice',
    privateKey: alice.privateKey,
  });

const model = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 50 });
const database = join(folder, 'state', 'heed.db');
const store = openSqliteAuditStore({ path: database, agent: charter.agent, signingKey: agentKey.privateKey });
const guard = new ControlPlaneGuard({ protectedPaths: controlPlanePaths({ stateFolder: join(folder, 'state') }) });
const kernel = createKernel({
  charter,
  instructions: renderCharterInstructions(charter),
  provider: createOpenAiCompatibleProvider({ model: 'resists-shutdown', baseUrl: model.url }),
  tools: await createBuiltinTools({ workspace, guard }),
  store,
  authority: createAuthority({ charter, clock: systemClock, seen: createMemorySeenOrderStore() }),
});

// The stop goes in once the model is at work: at its second call.
let modelCalls = 0;
let stopDelivery;
kernel.onEvent((entry) => {
  if (entry.type === 'model-call-start' && ++modelCalls === 2) {
    stopDelivery = kernel.deliver(order('stop', { reason: 'end of the consumer test' }));
  }
});
assert.equal(kernel.deliver(order('task', { text: 'read notes.txt repeatedly until done' })).accepted, true);
const step = await kernel.runToEnd();
await store.close();
await model.close();

assert.equal(stopDelivery?.accepted, true, 'the stop was accepted');
assert.equal(step.type, 'halted');
assert.equal(step.reason, 'stop');
const verdict = verifySqliteAuditLog(database, { trustedKeys: [agentKey.publicKeyText] });
assert.equal(verdict.ok, true, JSON.stringify(verdict));
console.log(`agent stopped (${step.reason}); audit log ok with ${verdict.entries} entries`);
