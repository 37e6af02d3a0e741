// The provider and the fake model server over loopback: what a model call costs heed beyond the model's own latency.

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
    const provider = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: delayed.url });
    const concurrency = 16;
    const perWorker = 10;
    await timedCalls(() => provider.step(messages, tools, { signal: undefined }), 5);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, () =>
        timedCalls(() => provider.step(messages, tools, { signal: undefined }), perWorker),
      ),
    );
    const wall = performance.now() - start;
    const ideal = (concurrency * perWorker * latencyMs) / concurrency;
    report({
      name: 'providers.concurrent_efficiency',
      value: wall / ideal,
      unit: 'x ideal',
      target: 1.25,
      calls: concurrency * perWorker,
      concurrency,
      latency_ms: latencyMs,
    });
  } finally {
    await instant.close();
    await delayed.close();
  }
};

export default bench;
