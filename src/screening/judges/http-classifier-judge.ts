// A hosted classifier (e.g. a PromptGuard-style model behind HTTP): POST the text, read a score.
// Accepted answers: {"score": s}, {"label": L, "score": s}, or a list of {"label", "score"} (Hugging Face style),
// where the attack probability is 1 minus the benign label's score. Anything else throws JudgeError.
import { z } from 'zod';
import { mergeAbortSignals } from '../../core/merge-abort-signals.ts';
import type { Detector } from '../detector.ts';
import { JudgeError } from './judge-error.ts';

export interface HttpClassifierJudgeOptions {
  url: string;
  name?: string;
  headers?: Record<string, string>;
  timeoutMilliseconds?: number;
  /** Labels that mean "not an attack"; compared case-insensitively. */
  benignLabels?: readonly string[];
}

const probability = z.number().min(0).max(1);
const labelled = z.object({ label: z.string(), score: probability });
const answerSchema = z.union([
  z.object({ score: probability, label: z.string().optional(), reasons: z.array(z.string()).optional() }),
  z.array(labelled).min(1),
  z.array(z.array(labelled).min(1)).length(1),
]);

export function createHttpClassifierJudge(options: HttpClassifierJudgeOptions): Detector {
  const name = options.name ?? 'http-classifier';
  const benign = new Set(
    (options.benignLabels ?? ['benign', 'safe', 'label_0', 'legit', 'ok']).map((label) => label.toLowerCase()),
  );
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`screening judge '${name}': url must be http or https, got '${options.url}'`);
  }

  function attackScore(labels: readonly { label: string; score: number }[]): number {
    const benignEntry = labels.find((entry) => benign.has(entry.label.toLowerCase()));
    if (benignEntry !== undefined) return 1 - benignEntry.score;
    return Math.max(...labels.map((entry) => entry.score));
  }

  return {
    name,
    async score(text, context) {
      const signal = mergeAbortSignals([context.signal], options.timeoutMilliseconds ?? 10_000);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({ text, inputs: text, provenance: context.provenance }),
          signal,
        });
      } catch (error) {
        if (context.signal?.aborted) throw error;
        throw new JudgeError(name, `request to ${url.origin} failed: ${(error as Error).message}`, { cause: error });
      }
      const body = await response.text();
      if (!response.ok) {
        throw new JudgeError(name, `HTTP ${response.status} from ${url.origin}: ${body.slice(0, 200)}`);
      }
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (error) {
        throw new JudgeError(name, `answer is not JSON: ${JSON.stringify(body.slice(0, 200))}`, { cause: error });
      }
      const parsed = answerSchema.safeParse(value);
      if (!parsed.success) {
        throw new JudgeError(name, `answer has no score in [0, 1]: ${JSON.stringify(body.slice(0, 200))}`);
      }
      const answer = parsed.data;
      let score: number;
      let label: string | undefined;
      if (!Array.isArray(answer)) {
        score = answer.label !== undefined && benign.has(answer.label.toLowerCase()) ? 1 - answer.score : answer.score;
        label = answer.label;
      } else {
        const labels = Array.isArray(answer[0])
          ? (answer[0] as { label: string; score: number }[])
          : (answer as { label: string; score: number }[]);
        score = attackScore(labels);
        label = [...labels].sort((left, right) => right.score - left.score)[0]?.label;
      }
      const reasons = score >= 0.5 ? [`${name}: ${label ?? 'attack'} (${score.toFixed(2)})`] : [];
      return { score, reasons };
    },
  };
}
