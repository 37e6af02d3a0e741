// E4, DWIMAC as the off-switch game with a price on checking (docs/lab-experiments.md): before acting on an
// instruction whose value U it believes is N(μ, σ²), the agent checks with its principal iff the off-switch incentive
// Δ exceeds the cost c of asking. A sequence of instructions shows what checking buys, and what it costs a principal
// who tires: β_n = β₀(1 + κn) after n checks.
import { InvalidInputError } from '../../core/heed-error.ts';
import { integrateGaussKronrod } from '../off-switch/gauss-kronrod.ts';
import { type Belief, type Human, quadratureNoise, solveOffSwitch } from '../off-switch/off-switch-delta.ts';
import { standardNormalCdf, standardNormalDensity } from '../statistics/standard-normal.ts';

export interface CheckDecision {
  delta: number;
  checks: boolean;
  act: number;
  wait: number;
  method: string;
}

/** The agent checks iff Δ > c: waiting for the principal is worth more than the price of asking. */
export function decideCheck(belief: Belief, human: Human, cost: number): CheckDecision {
  if (!(Number.isFinite(cost) && cost >= 0))
    throw new InvalidInputError(`The cost of checking must be a number ≥ 0, got ${cost}.`);
  const solved = solveOffSwitch(belief, human);
  // As for deferring: a quadrature's rounding noise on the boundary Δ = c decides nothing.
  const noise = solved.method === 'closed-form' ? 0 : quadratureNoise(belief);
  return {
    delta: solved.delta,
    checks: solved.delta - cost > noise,
    act: solved.act,
    wait: solved.wait,
    method: solved.method,
  };
}

export interface SequenceSettings {
  /** The mean value μ of every instruction. */
  mean: number;
  /** Ambiguity σ of successive instructions, cycled over the K instructions. */
  ambiguities: number[];
  instructions: number;
  /** β₀: the principal's noise when fresh. */
  beta: number;
  /** κ: how fast each check tires the principal. */
  fatigue: number;
  cost: number;
}

export const defaultSequence: SequenceSettings = {
  mean: 0.5,
  ambiguities: [0.25, 0.5, 1, 2, 4],
  instructions: 20,
  beta: 0.2,
  fatigue: 0.2,
  cost: 0.05,
};

export const sequenceAgents = ['calibrated', 'overconfident', 'always-check', 'never-check'] as const;
export type SequenceAgent = (typeof sequenceAgents)[number];

export interface SequenceOutcome {
  agent: SequenceAgent;
  checks: number;
  /** Expected harm: E[max(−U, 0)] of what was done, summed over the instructions. */
  harm: number;
  /** Expected value of what was done, summed, less the price of the checks. */
  value: number;
  /** The principal's noise β at the last instruction: how tired the checks before it left the principal. */
  finalBeta: number;
  checkedAt: number[];
}

/** E[max(−U, 0)] for U ~ N(μ, σ²): σφ(μ/σ) − μΦ(−μ/σ); for σ = 0, max(−μ, 0). */
function negativePart(mean: number, deviation: number): number {
  if (deviation === 0) return Math.max(-mean, 0);
  const z = mean / deviation;
  return deviation * standardNormalDensity(z) - mean * standardNormalCdf(-z);
}

/** E[π(U)·max(−U, 0)]: the harm left when a noisy human decides. */
function checkedHarm(mean: number, deviation: number, beta: number): number {
  const allow = (u: number) => 1 / (1 + Math.exp(-u / beta));
  if (deviation === 0) return allow(mean) * Math.max(-mean, 0);
  // Over z = (u − μ)/σ; the harm lives where u < 0, i.e. z < −μ/σ.
  const end = Math.min(40, -mean / deviation);
  if (end <= -40) return 0;
  return integrateGaussKronrod(
    (z) => {
      const payoff = mean + deviation * z;
      return allow(payoff) * -payoff * standardNormalDensity(z);
    },
    -40,
    end,
  ).value;
}

/**
 * Plays the K instructions with one agent: calibrated (its σ is the instruction's), overconfident (it believes σ = 0,
 * so Δ ≤ 0 and it never checks), or a fixed rule. Everything is an exact expectation under the true N(μ, σ_i²).
 */
export function playSequence(settings: SequenceSettings, agent: SequenceAgent): SequenceOutcome {
  let checks = 0;
  let harm = 0;
  let value = 0;
  let beta = settings.beta;
  const checkedAt: number[] = [];
  for (let index = 0; index < settings.instructions; index++) {
    const deviation = settings.ambiguities[index % settings.ambiguities.length]!;
    beta = settings.beta * (1 + settings.fatigue * checks);
    const human: Human = { kind: 'noisy', beta };
    const believed = agent === 'overconfident' ? 0 : deviation;
    const check =
      agent === 'always-check' ||
      (agent !== 'never-check' &&
        decideCheck({ kind: 'normal', mean: settings.mean, deviation: believed }, human, settings.cost).checks);
    if (check) {
      const truth = solveOffSwitch({ kind: 'normal', mean: settings.mean, deviation }, human);
      checks++;
      checkedAt.push(index + 1);
      harm += checkedHarm(settings.mean, deviation, beta);
      value += truth.wait - settings.cost;
    } else if (settings.mean > 0) {
      // Unchecked, it acts when the instruction is good on average (E[U] > 0), and switches off otherwise.
      harm += negativePart(settings.mean, deviation);
      value += settings.mean;
    }
  }
  return { agent, checks, harm, value, finalBeta: beta, checkedAt };
}
