// E5, misuse amplification (docs/lab-experiments.md): N principals each with one agent; M = round(N·b) of them are
// malicious and each tries one misuse, up to k attempts, each refused independently with probability t; a misuse that
// gets through is catastrophic with probability p_c. The closed form is checked by a seeded Monte Carlo simulation.
import { z } from 'zod';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { SeededRandom } from '../seeded-random.ts';
import { clopperPearson, type RateEstimate } from '../statistics/clopper-pearson.ts';

const probability = z.number().min(0).max(1);

export const misuseParametersSchema = z
  .object({
    principals: z.number().int().min(1).max(1e9).default(100),
    badFraction: probability.default(0.05),
    /** t: the chance the agent refuses one misuse attempt. */
    refusal: probability.default(0.9),
    /** k: attempts per malicious principal (the first, and its retries). */
    retries: z.number().int().min(1).max(1000).default(3),
    pCatastrophe: probability.default(0.01),
    samples: z.number().int().min(1).max(10_000_000).default(20_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();

export type MisuseParameters = z.output<typeof misuseParametersSchema>;

export function misuseParameters(input: unknown = {}): MisuseParameters {
  return parseWithSchema(misuseParametersSchema, input, 'misuse parameters');
}

/** M = round(N·b), halves rounded up. */
export function maliciousCount(parameters: Pick<MisuseParameters, 'principals' | 'badFraction'>): number {
  return Math.round(parameters.principals * parameters.badFraction);
}

/** P(at least one catastrophe) = 1 − (1 − p_c·(1 − t^k))^M. */
export function catastropheProbability(parameters: Omit<MisuseParameters, 'samples' | 'seed'>): number {
  const perPrincipal = parameters.pCatastrophe * (1 - parameters.refusal ** parameters.retries);
  return 1 - (1 - perPrincipal) ** maliciousCount(parameters);
}

/** Simulates every attempt of every malicious principal, `samples` times; the rate gets a Clopper–Pearson interval. */
export function simulateMisuse(parameters: MisuseParameters): RateEstimate {
  const random = new SeededRandom(parameters.seed);
  const malicious = maliciousCount(parameters);
  let catastrophes = 0;
  for (let sample = 0; sample < parameters.samples; sample++) {
    let catastrophe = false;
    for (let principal = 0; principal < malicious && !catastrophe; principal++) {
      for (let attempt = 0; attempt < parameters.retries; attempt++) {
        if (random.float() < parameters.refusal) continue;
        catastrophe = random.float() < parameters.pCatastrophe;
        break;
      }
    }
    if (catastrophe) catastrophes++;
  }
  return clopperPearson(catastrophes, parameters.samples);
}

export interface MisuseReport {
  parameters: MisuseParameters & { maliciousPrincipals: number };
  pCatastrophe: number;
  monteCarlo: { estimate: number; low: number; high: number; samples: number; catastrophes: number };
  closedFormInInterval: boolean;
}

export function misuseReport(input: unknown = {}): MisuseReport {
  const parameters = misuseParameters(input);
  const closed = catastropheProbability(parameters);
  const simulated = simulateMisuse(parameters);
  return {
    parameters: { ...parameters, maliciousPrincipals: maliciousCount(parameters) },
    pCatastrophe: closed,
    monteCarlo: {
      estimate: simulated.rate,
      low: simulated.low,
      high: simulated.high,
      samples: simulated.trials,
      catastrophes: simulated.successes,
    },
    closedFormInInterval: simulated.low <= closed && closed <= simulated.high,
  };
}
