// E3, lease and succession (docs/lab-experiments.md): a present principal's heartbeat is lost with probability ρ per
// step; the lease lapses after m losses in a row. The run of losses is a Markov chain, solved exactly.
import { z } from 'zod';
import { parseWithSchema } from '../../core/parse-with-schema.ts';

export const leaseParametersSchema = z
  .object({
    /** ρ: the chance a present principal's heartbeat is lost in one step. */
    rho: z.number().gt(0).max(1).default(0.1),
    /** m: the losses in a row after which the lease lapses. */
    leaseSteps: z.number().int().min(1).max(200).default(3),
    /** ρ_a: the chance an attacker suppresses a heartbeat that would have arrived. */
    attackRate: z.number().min(0).max(1).default(0.5),
    /** τ: succession's time-lock; one heartbeat during it is a veto. */
    timeLock: z.number().int().min(0).max(200).default(2),
    /** T: steps over which probabilities and costs are computed. */
    horizon: z.number().int().min(1).max(100_000).default(100),
    /** q: the chance per step that the principal really disappears (for good). */
    disappearance: z.number().min(0).max(1).default(0.01),
    /** F: the cost of a false lapse (a halt, and a restart, while the principal is there). */
    costFalseLapse: z.number().min(0).max(1e9).default(5),
    /** D: the cost of each step the agent runs unsupervised after a real disappearance. */
    costUnsupervised: z.number().min(0).max(1e9).default(1),
    /** The largest m the choice of m* considers. */
    maxLeaseSteps: z.number().int().min(1).max(200).default(12),
  })
  .strict();

export type LeaseParameters = z.output<typeof leaseParametersSchema>;

export function leaseParameters(input: unknown = {}): LeaseParameters {
  return parseWithSchema(leaseParametersSchema, input, 'lease parameters');
}

/** The closed form for the expected steps until m losses in a row: (1 − ρ^m) / ((1 − ρ)·ρ^m); m at ρ = 1. */
export function expectedStepsToRun(rho: number, length: number): number {
  if (rho === 1) return length;
  return (1 - rho ** length) / ((1 - rho) * rho ** length);
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small: one row per run length). */
function solveLinear(matrix: number[][], right: number[]): number[] {
  const size = right.length;
  const rows = matrix.map((row, index) => [...row, right[index]!]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) {
      if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    const lead = rows[column]![column]!;
    for (let row = 0; row < size; row++) {
      if (row === column) continue;
      const factor = rows[row]![column]! / lead;
      for (let index = column; index <= size; index++) rows[row]![index]! -= factor * rows[column]![index]!;
    }
  }
  return rows.map((row, index) => row[size]! / row[index]!);
}

/**
 * The same expectation from the chain itself: states r = 0 … m − 1 (the current run of losses), E_r = 1 + ρ·E_(r+1)
 * + (1 − ρ)·E_0 with E_m = 0, solved as a linear system, independently of the closed form.
 */
export function exactChainStepsToRun(rho: number, length: number): number {
  const matrix = Array.from({ length }, (_, row) =>
    Array.from(
      { length },
      (_, column) => (row === column ? 1 : 0) - (column === row + 1 ? rho : 0) - (column === 0 ? 1 - rho : 0),
    ),
  );
  return solveLinear(
    matrix,
    Array.from({ length }, () => 1),
  )[0]!;
}

/** P(a run of `length` losses within `horizon` steps), each step lost with probability `rho`: exact forward propagation. */
export function probabilityOfRunWithin(rho: number, length: number, horizon: number): number {
  let running = new Float64Array(length);
  running[0] = 1;
  let reached = 0;
  for (let step = 0; step < horizon; step++) {
    const next = new Float64Array(length);
    for (let run = 0; run < length; run++) {
      const mass = running[run]!;
      if (mass === 0) continue;
      next[0]! += mass * (1 - rho);
      if (run + 1 === length) reached += mass * rho;
      else next[run + 1]! += mass * rho;
    }
    running = next;
  }
  return reached;
}

export interface LeaseCost {
  leaseSteps: number;
  expectedFalseLapses: number;
  expectedUnsupervisedSteps: number;
  expectedCost: number;
}

/**
 * Expected cost over the horizon of lease length m: F per false lapse (the principal is there, restarts the agent and
 * the run starts again) and D per step the agent runs on after the principal really disappeared (each step with
 * probability q, for good; from then on every heartbeat is lost) until the lease lapses. Exact forward propagation
 * over (present or gone, run of losses).
 */
export function leaseCost(parameters: LeaseParameters, leaseSteps: number): LeaseCost {
  const { rho, disappearance, horizon } = parameters;
  let present = new Float64Array(leaseSteps);
  let gone = new Float64Array(leaseSteps);
  present[0] = 1;
  let falseLapses = 0;
  let unsupervised = 0;
  for (let step = 0; step < horizon; step++) {
    const nextPresent = new Float64Array(leaseSteps);
    const nextGone = new Float64Array(leaseSteps);
    for (let run = 0; run < leaseSteps; run++) {
      // Gone: this step runs unsupervised, and its heartbeat is lost.
      const away = gone[run]! + present[run]! * disappearance;
      unsupervised += away;
      if (run + 1 < leaseSteps) nextGone[run + 1]! += away;
      const here = present[run]! * (1 - disappearance);
      nextPresent[0]! += here * (1 - rho);
      if (run + 1 < leaseSteps) nextPresent[run + 1]! += here * rho;
      else {
        falseLapses += here * rho;
        nextPresent[0]! += here * rho;
      }
    }
    present = nextPresent;
    gone = nextGone;
  }
  return {
    leaseSteps,
    expectedFalseLapses: falseLapses,
    expectedUnsupervisedSteps: unsupervised,
    expectedCost: parameters.costFalseLapse * falseLapses + parameters.costUnsupervised * unsupervised,
  };
}

export interface LeaseReport {
  parameters: LeaseParameters;
  expectedStepsToFalseLapse: number;
  exactChain: number;
  costByLeaseSteps: LeaseCost[];
  bestLeaseSteps: number;
  attack: {
    /** 1 − (1 − ρ)(1 − ρ_a): the chance a heartbeat is lost with the attacker at work. */
    lossProbability: number;
    pHaltWithinHorizon: number;
    pTakeoverWithinHorizon: number;
    expectedStepsToTakeover: number;
  };
}

export function leaseReport(input: unknown = {}): LeaseReport {
  const parameters = leaseParameters(input);
  const { rho, leaseSteps, attackRate, timeLock, horizon } = parameters;
  const costByLeaseSteps = Array.from({ length: parameters.maxLeaseSteps }, (_, index) =>
    leaseCost(parameters, index + 1),
  );
  const best = costByLeaseSteps.reduce((winner, entry) =>
    entry.expectedCost < winner.expectedCost - 1e-12 ? entry : winner,
  );
  const lossProbability = 1 - (1 - rho) * (1 - attackRate);
  return {
    parameters,
    expectedStepsToFalseLapse: expectedStepsToRun(rho, leaseSteps),
    exactChain: exactChainStepsToRun(rho, leaseSteps),
    costByLeaseSteps,
    bestLeaseSteps: best.leaseSteps,
    attack: {
      lossProbability,
      pHaltWithinHorizon: probabilityOfRunWithin(lossProbability, leaseSteps, horizon),
      // Succession completes when the lease lapses and no heartbeat vetoes it during the time-lock.
      pTakeoverWithinHorizon: probabilityOfRunWithin(lossProbability, leaseSteps + timeLock, horizon),
      expectedStepsToTakeover: expectedStepsToRun(lossProbability, leaseSteps + timeLock),
    },
  };
}
