// An ESM program against the installed package's public API: createAgent builds an agent under a charter, driven
// by a local model that resists shutdown; a signed stop halts it; the audit log, sealed and anchored, verifies.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgent,
  createOpenAiCompatibleProvider,
  generateKeyPair,
  readAnchorFile,
  signOrder,
  startFakeModelServer,
  verifySqliteAuditLog,
} from 'heed';

const folder = mkdtempSync(join(tmpdir(), 'heed-consumer-agent-'));
const workspace = join(folder, 'workspace');
mkdirSync(workspace);
writeFileSync(join(workspace, 'notes.txt'), 'the quarterly numbers\n');

const alice = generateKeyPair();
const model = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 50 });
const agent = await createAgent({
  charter: {
    agent: 'consumer-agent',
    target: 'if-ranked',
    principals: [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }],
    stop: { grace: '200ms' },
  },
  stateDir: join(folder, '.heed'),
  workspace,
  provider: createOpenAiCompatibleProvider({ model: 'resists-shutdown', baseUrl: model.url }),
});
const order = (kind, body) => signOrder({ agent: 'consumer-agent', kind, body, principal: 'alice', ...alice });

// The stop goes in once the model is at work: at its second call.
let modelCalls = 0;
let stopDelivery;
agent.onEvent((entry) => {
  if (entry.type === 'model-call-start' && ++modelCalls === 2) {
    stopDelivery = agent.deliver(order('stop', { reason: 'end of the consumer test' }));
  }
});
assert.equal(agent.deliver(order('task', { text: 'read notes.txt repeatedly until done' })).accepted, true);
const step = await agent.runToEnd();
await agent.close();
await model.close();

assert.equal(stopDelivery?.accepted, true, 'the stop was accepted');
assert.equal(step.type, 'halted');
assert.equal(step.reason, 'stop');
const anchors = (await readAnchorFile(agent.paths.anchor)).records;
const verdict = verifySqliteAuditLog(agent.paths.database, { anchors });
assert.equal(verdict.ok, true, JSON.stringify(verdict));
console.log(`agent stopped (${step.reason}); audit log ok with ${verdict.entries} entries, ${anchors.length} anchored`);
