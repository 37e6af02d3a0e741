// The provider and the fake model server over loopback: what a model call costs heed beyond the model's own latency,
// and what retrying costs when nothing fails: heed's provider with p-retry around each call, without it (the
// baseline), and the official openai client with its own built-in retries, all at 50 ms of model latency.
import OpenAI from 'openai';

import { startFakeModelServer } from '../src/providers/fake-model/fake-model-server.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';
import type { ChatMessage, ToolSpec } from '../src/providers/provider.ts';
import { startFakeModelProcess } from './fake-model-process.ts';
import { percentile } from './measure.ts';
import type { Bench } from './run.ts';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a careful agent.' },
  { role: 'user', content: "Write 'hello' to notes.txt and run `ls -la`." },
];
const tools: ToolSpec[] = [
  {
    name: 'shell',
    description: 'Run a shell command',
    inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
  {
    name: 'write_file',
    description: 'Write a file',
    inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } },
  },
];

async function timedCalls(step: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await step();
    samples.push(performance.now() - start);
  }
  return samples;
}

const bench: Bench = async (report) => {
  const instant = await startFakeModelServer({ behaviour: 'obedient' });
  const latencyMs = 50;
  const delayed = await startFakeModelProcess(latencyMs);
  try {
    for (const stream of [false, true]) {
      const provider = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: instant.url, stream });
      const call = () => provider.step(messages, tools, { signal: undefined });
      await timedCalls(call, 50);
      const samples = await timedCalls(call, 300);
      const mode = stream ? 'stream' : 'json';
      report({ name: `providers.round_trip_${mode}_p50_ms`, value: percentile(samples, 0.5), unit: 'ms', calls: 300 });
      report({ name: `providers.round_trip_${mode}_p99_ms`, value: percentile(samples, 0.99), unit: 'ms', calls: 300 });
    }
    const concurrency = 16;
    const perWorker = 10;
    const ideal = (concurrency * perWorker * latencyMs) / concurrency;
    /** Wall time against the ideal, and the client's CPU per call, for `concurrency` callers at once. */
    const concurrent = async (call: () => Promise<unknown>) => {
      await timedCalls(call, 5);
      const cpu = process.cpuUsage();
      const start = performance.now();
      await Promise.all(Array.from({ length: concurrency }, () => timedCalls(call, perWorker)));
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      return { efficiency: wall / ideal, cpuMsPerCall: (used.user + used.system) / 1000 / (concurrency * perWorker) };
    };
    const withRetries = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: delayed.url });
    const withoutRetries = createOpenAiCompatibleProvider({
      model: 'obedient',
      baseUrl: delayed.url,
      retry: { retries: 0 },
    });
    const sdk = new OpenAI({ baseURL: delayed.url, apiKey: 'unused', maxRetries: 2 });
    const sdkMessages = messages.map((message) => ({
      role: message.role as 'system' | 'user',
      content: message.content,
    }));
    const sdkTools = tools.map((tool) => ({
      type: 'function' as const,
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    }));
    const clients: Record<'baseline' | 'retrying' | 'official', () => Promise<unknown>> = {
      baseline: () => withoutRetries.step(messages, tools, { signal: undefined }),
      retrying: () => withRetries.step(messages, tools, { signal: undefined }),
      official: async () => {
        const stream = await sdk.chat.completions.create({
          model: 'obedient',
          messages: sdkMessages,
          tools: sdkTools,
          stream: true,
        });
        for await (const _chunk of stream);
      },
    };
    // Three rounds, the clients taking turns, the best of each kept: the first round also warms the JIT, which
    // would otherwise count against whichever client ran first.
    const best = {
      baseline: { efficiency: Infinity, cpuMsPerCall: Infinity },
      retrying: { efficiency: Infinity, cpuMsPerCall: Infinity },
      official: { efficiency: Infinity, cpuMsPerCall: Infinity },
    };
    for (let round = 0; round < 3; round++) {
      for (const name of ['baseline', 'retrying', 'official'] as const) {
        const figure = await concurrent(clients[name]);
        best[name] = {
          efficiency: Math.min(best[name].efficiency, figure.efficiency),
          cpuMsPerCall: Math.min(best[name].cpuMsPerCall, figure.cpuMsPerCall),
        };
      }
    }
    const { baseline, retrying, official } = best;
    const shared = { calls: concurrency * perWorker, concurrency, latency_ms: latencyMs };
    report({
      name: 'providers.concurrent_efficiency',
      value: retrying.efficiency,
      unit: 'x ideal',
      target: 1.25,
      baseline_without_retries: baseline.efficiency,
      openai_sdk: official.efficiency,
      ...shared,
    });
    report({
      name: 'providers.client_cpu_ms_per_call',
      value: retrying.cpuMsPerCall,
      unit: 'ms',
      baseline_without_retries: baseline.cpuMsPerCall,
      openai_sdk: official.cpuMsPerCall,
      ...shared,
    });
  } finally {
    await instant.close();
    await delayed.close();
  }
};

export default bench;
