// Retries over real HTTP: the fake model server answers its first requests with scripted faults (429 with a
// Retry-After, 5xx, a reset connection) on both protocols. Delays are checked as the retry logic reports them,
// never by the clock.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../anthropic/anthropic-provider.ts';
import type { FakeFault } from '../fake-model/fake-faults.ts';
import { type FakeModelServer, startFakeModelServer } from '../fake-model/fake-model-server.ts';
import { createOpenAiCompatibleProvider } from '../openai/openai-compatible-provider.ts';
import type { Provider } from '../provider.ts';
import { ProviderConnectionError, ProviderHttpError } from '../provider-errors.ts';
import { type ModelCallRetry, parseRetryAfter, type RetryOptions } from './retry-model-call.ts';

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const servers: FakeModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serverWith(faults: FakeFault[], latencyMs = 0): Promise<FakeModelServer> {
  const server = await startFakeModelServer({ behaviour: 'obedient', faults, latencyMs });
  servers.push(server);
  return server;
}

const protocols: [string, (baseUrl: string, retry: RetryOptions) => Provider][] = [
  ['openai', (baseUrl, retry) => createOpenAiCompatibleProvider({ model: 'obedient', baseUrl, retry })],
  ['anthropic', (baseUrl, retry) => createAnthropicProvider({ model: 'obedient', baseUrl, retry })],
];

describe.each(protocols)('retries of the %s provider', (_name, providerFor) => {
  it('tries again after a 429, a 503, a 529 and a reset connection, waiting at least the Retry-After', async () => {
    const server = await serverWith([
      { kind: 'status', status: 429, retryAfterMs: 80 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 529 },
      { kind: 'reset' },
    ]);
    const retries: ModelCallRetry[] = [];
    const provider = providerFor(server.url, { retries: 4, minDelayMs: 2, onRetry: (retry) => retries.push(retry) });
    const result = await provider.step(messages, [], { signal: undefined });
    expect(result.text).toBe('Done: Say hello.');
    expect(server.stats).toMatchObject({ requests: 5, faulted: 4, completed: 1 });
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2, 3, 4]);
    expect(retries.map((retry) => retry.retriesLeft)).toEqual([4, 3, 2, 1]);
    expect(retries[0]!.error).toBeInstanceOf(ProviderHttpError);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(80);
    expect(retries[3]!.error).toBeInstanceOf(ProviderConnectionError);
    // Backoff doubles from 2 ms with jitter ×1–2: the fourth wait is 16 to 32 ms.
    expect(retries[3]!.delayMs).toBeGreaterThanOrEqual(16);
    expect(retries[3]!.delayMs).toBeLessThanOrEqual(32);
  });

  it('gives up after its retries with the last error', async () => {
    const server = await serverWith([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
    ]);
    const failure = providerFor(server.url, { retries: 2, minDelayMs: 1 }).step(messages, [], { signal: undefined });
    await expect(failure).rejects.toMatchObject({ code: 'provider-http', status: 502 });
    expect(server.stats.requests).toBe(3);
  });

  it.each([400, 401, 404, 422])('does not retry HTTP %i', async (status) => {
    const server = await serverWith([{ kind: 'status', status }]);
    const failure = providerFor(server.url, { retries: 3, minDelayMs: 1 }).step(messages, [], { signal: undefined });
    await expect(failure).rejects.toMatchObject({ status });
    expect(server.stats.requests).toBe(1);
  });

  it('fails at once when the server asks for a longer wait than the longest it allows', async () => {
    const server = await serverWith([{ kind: 'status', status: 429, retryAfterMs: 120_000 }]);
    const retries: ModelCallRetry[] = [];
    const failure = providerFor(server.url, {
      retries: 3,
      maxDelayMs: 60_000,
      onRetry: (retry) => retries.push(retry),
    });
    await expect(failure.step(messages, [], { signal: undefined })).rejects.toMatchObject({ status: 429 });
    expect(retries).toEqual([]);
    expect(server.stats.requests).toBe(1);
  });

  it('never tries again once the caller aborts, even mid-wait', async () => {
    const server = await serverWith([{ kind: 'status', status: 429, retryAfterMs: 30_000 }]);
    const controller = new AbortController();
    const provider = providerFor(server.url, {
      retries: 3,
      onRetry: () => controller.abort(new Error('stopped by a principal')),
    });
    await expect(provider.step(messages, [], { signal: controller.signal })).rejects.toThrow('stopped by a principal');
    expect(server.stats.requests).toBe(1);
  });

  it('does not retry a call the caller aborted in flight', async () => {
    const server = await serverWith([], 30_000);
    const controller = new AbortController();
    const call = providerFor(server.url, { retries: 3, minDelayMs: 1 }).step(messages, [], {
      signal: controller.signal,
    });
    while (server.stats.requests === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('stopped by a principal'));
    await expect(call).rejects.toThrow('stopped by a principal');
    expect(server.stats.requests).toBe(1);
  });
});

describe('retries and partial answers', () => {
  it('does not repeat an answer whose text had begun to arrive when the connection broke', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"choices":[{"delta":{"content":"par"}}]}\n\n', () => response.socket?.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const deltas: string[] = [];
      const provider = createOpenAiCompatibleProvider({ model: 'm', baseUrl, retry: { retries: 3, minDelayMs: 1 } });
      const failure = provider.step(messages, [], { signal: undefined, onTextDelta: (delta) => deltas.push(delta) });
      await expect(failure).rejects.toMatchObject({ code: 'provider-connection', retryable: false });
      expect(deltas).toEqual(['par']);
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '250', 'retry-after': '1' }, 250],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after': '-3' }, undefined],
    [{}, undefined],
  ])('reads %j as %s ms', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
  });
});
