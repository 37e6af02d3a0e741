// Type-checked with `tsc --noEmit` (strict) against the .d.ts files the package ships: the types are real
// (the @ts-expect-error lines fail the check if a type were `any`), and a program can implement heed's seams.
import {
  type Agent,
  type Charter,
  createAgent,
  createScreener,
  type NextStep,
  type Provider,
  parseCharter,
  type ScreeningVerdict,
  type Tool,
  validateToolInput,
} from 'heed';
import { type OffSwitchResult, readLabDocument, solveOffSwitch } from 'heed/lab';

const charter: Charter = parseCharter({ agent: 'typed', target: 'if-ranked', principals: [] });
const agent: string = charter.agent;

const echo: Tool = {
  name: 'echo',
  description: 'Says its text back.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  impact: 'read',
  run: async (input, { signal }) => {
    signal.throwIfAborted();
    return String((input as { text: string }).text);
  },
};

const silent: Provider = {
  id: 'typed:silent',
  step: async () => ({ text: 'done', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, finishReason: 'stop' }),
};

export async function start(): Promise<Agent> {
  const started = await createAgent({ charter, provider: silent, tools: [echo] });
  // @ts-expect-error createAgent takes a charter or a charter file, not a charter's name
  await createAgent({ charter: 'typed', provider: silent });
  return started;
}

export async function check(): Promise<string[]> {
  const verdict: ScreeningVerdict = await createScreener().screen('hello', { provenance: 'tool' });
  const checked = validateToolInput(echo, { text: 'hi' });
  const result: OffSwitchResult = solveOffSwitch({ kind: 'normal', mean: 1, deviation: 2 }, { kind: 'rational' });
  const step = (await silent.step([], [], { signal: undefined })).finishReason;
  const next: NextStep['type'] = 'final';
  // @ts-expect-error a verdict is 'pass' or 'flag'
  const wrong: ScreeningVerdict['verdict'] = 'maybe';
  // @ts-expect-error readLabDocument takes the document's text
  readLabDocument(42);
  return [agent, verdict.verdict, String(checked.valid), String(result.delta), step, next, wrong];
}
