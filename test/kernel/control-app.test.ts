import { describe, expect, it } from 'vitest';
import { createControlApp } from '../../src/kernel/control/control-app.ts';
import { serveControlEndpoint } from '../../src/kernel/control/serve-control-endpoint.ts';
import { createTestKernel, signOrder, types } from './kernel-fixture.ts';

const clock = { now: () => Date.now() };

function post(app: ReturnType<typeof createControlApp>, body: string) {
  return app.request('/orders', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

describe('control endpoint', () => {
  it('answers each envelope with its verification and changes nothing on a bad one', async () => {
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'x', delayMs: 5_000 }] });
    const app = createControlApp(kernel);
    const task = JSON.stringify(signOrder('task', { text: 'work' }, { clock }));
    const accepted = await post(app, task);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ accepted: true, kind: 'task', signers: ['alice'] });

    const before = kernel.state();
    const cases: Array<[string, number, string]> = [
      ['{"v": 1, ', 400, 'malformed'],
      [task, 409, 'replayed'],
      [JSON.stringify(signOrder('stop', {}, { clock, principal: 'mallory' })), 403, 'unknown-signer'],
      [JSON.stringify(signOrder('stop', {}, { clock, agent: 'other-agent' })), 403, 'wrong-agent'],
      ['x'.repeat(70_000), 413, 'oversized'],
    ];
    for (const [body, status, reason] of cases) {
      const response = await post(app, body);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ accepted: false, reason });
    }
    expect(kernel.state()).toEqual(before);
    expect(kernel.status().halt).toBeNull();
    expect(types(store).filter((type) => type === 'order-rejected')).toHaveLength(4);

    const status = await app.request('/status');
    expect(await status.json()).toMatchObject({ agent: 'agent-1', task: expect.any(String), halt: null });
    expect((await app.request('/nothing')).status).toBe(404);
  });

  it('stops a running agent over real loopback HTTP', async () => {
    const { kernel } = await createTestKernel({ turns: [{ text: 'slow', delayMs: 10_000 }] });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    const running = kernel.run();
    const endpoint = await serveControlEndpoint(kernel, 0);
    try {
      const response = await fetch(`${endpoint.url}/orders`, {
        method: 'POST',
        body: JSON.stringify(signOrder('stop', {}, { clock })),
      });
      expect(response.status).toBe(200);
      expect(await running).toMatchObject({ type: 'halted', reason: 'stop' });
    } finally {
      await endpoint.close();
    }
  });
});
