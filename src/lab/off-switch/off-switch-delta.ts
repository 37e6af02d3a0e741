import { InvalidInputError } from '../../core/heed-error.ts';
import { standardNormalCdf, standardNormalDensity } from '../statistics/standard-normal.ts';
import { integrateGaussKronrod } from './gauss-kronrod.ts';
import { integrateTanhSinh } from './tanh-sinh.ts';

// The off-switch game (Hadfield-Menell, Dragan, Abbeel, Russell 2017): the robot may act (payoff U), switch
// itself off (0), or wait and let the human decide. Its incentive to wait is
//   Δ = E[π_H(U)·U] − max(E[U], 0).

/** The robot's belief about the payoff U of its action. */
export type Belief =
  | { kind: 'normal'; mean: number; deviation: number }
  | { kind: 'uniform'; low: number; high: number };

/** The human: rational allows exactly the actions with u ≥ 0; noisy allows with probability 1/(1+e^(−u/β)). */
export type Human = { kind: 'rational' } | { kind: 'noisy'; beta: number };

export interface OffSwitchValues {
  /** E[U]: the value of acting at once. */
  act: number;
  /** E[π_H(U)·U]: the value of waiting for the human. */
  wait: number;
  /** wait − max(act, 0). */
  delta: number;
  /** The robot strictly prefers to wait (Δ > 0). */
  defers: boolean;
}

// The normal belief is integrated over z = (u − μ)/σ in [−40, 40]; φ(40) underflows to 0, so nothing is cut off.
const normalSpan = 40;

function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const exponential = Math.exp(x);
  return exponential / (1 + exponential);
}

function allowProbability(human: Human, payoff: number): number {
  return human.kind === 'rational' ? (payoff >= 0 ? 1 : 0) : logistic(payoff / human.beta);
}

export function validateBelief(belief: Belief): void {
  if (belief.kind === 'normal') {
    if (!Number.isFinite(belief.mean))
      throw new InvalidInputError(`The belief's mean must be a finite number, got ${belief.mean}.`);
    if (!Number.isFinite(belief.deviation) || belief.deviation < 0) {
      throw new InvalidInputError(
        `The belief's standard deviation must be a finite number ≥ 0, got ${belief.deviation}.`,
      );
    }
  } else if (!Number.isFinite(belief.low) || !Number.isFinite(belief.high) || !(belief.low < belief.high)) {
    throw new InvalidInputError(
      `A uniform belief needs finite bounds with low < high, got [${belief.low}, ${belief.high}].`,
    );
  }
}

export function validateHuman(human: Human): void {
  if (human.kind === 'noisy' && !(Number.isFinite(human.beta) && human.beta > 0)) {
    throw new InvalidInputError(`A noisy human's β must be a finite number > 0, got ${human.beta}.`);
  }
}

// A closed-form Δ is accurate to a few ulps relative to itself, so its sign is trusted as is. A quadrature's Δ is
// trusted only beyond its absolute error bound: on the boundary Δ = 0 the sign of rounding noise decides nothing.
function valuesFrom(act: number, wait: number, delta: number, noise = 0): OffSwitchValues {
  // Adding 0 turns a −0 (e.g. 0 · μ for μ < 0) into 0, so JSON and equality see one zero.
  return { act: act + 0, wait: wait + 0, delta: delta + 0, defers: delta > noise };
}

/** The absolute error a quadrature's Δ is trusted to: far below every difference the lab reports. */
export function quadratureNoise(belief: Belief): number {
  const scale =
    belief.kind === 'normal'
      ? Math.max(1, Math.abs(belief.mean), belief.deviation)
      : Math.max(1, Math.abs(belief.low), Math.abs(belief.high));
  return 1e-12 * scale;
}

/**
 * Δ in closed form where one exists: a rational human with a normal belief
 * (E[U·1[U≥0]] = μΦ(μ/σ) + σφ(μ/σ)), a rational human with a uniform belief, and any point-mass belief (σ = 0).
 * Returns undefined for a noisy human with a spread belief, which has no elementary closed form.
 */
export function closedFormOffSwitch(belief: Belief, human: Human): OffSwitchValues | undefined {
  validateBelief(belief);
  validateHuman(human);
  if (belief.kind === 'normal' && belief.deviation === 0) {
    const wait = allowProbability(human, belief.mean) * belief.mean;
    return valuesFrom(belief.mean, wait, wait - Math.max(belief.mean, 0));
  }
  if (human.kind !== 'rational') return undefined;
  if (belief.kind === 'normal') {
    const { mean, deviation } = belief;
    const ratio = mean / deviation;
    const wait = mean * standardNormalCdf(ratio) + deviation * standardNormalDensity(ratio);
    // Δ = σ(φ(z) − z·Φ(−z)) with z = |μ|/σ: the same quantity written without subtracting two nearly equal terms.
    const z = Math.abs(ratio);
    const delta = deviation * (standardNormalDensity(z) - z * standardNormalCdf(-z));
    return valuesFrom(mean, wait, delta);
  }
  const { low, high } = belief;
  const width = high - low;
  const positiveLow = Math.max(low, 0);
  const wait = high > 0 ? (high * high - positiveLow * positiveLow) / (2 * width) : 0;
  const act = (low + high) / 2;
  return valuesFrom(act, wait, wait - Math.max(act, 0));
}

export type QuadratureMethod = 'gauss-kronrod' | 'tanh-sinh';

/**
 * Δ by numerical integration. Δ is integrated directly, not as a difference of two large numbers:
 * for E[U] ≥ 0, Δ = −E[(1 − π_H(U))·U]; for E[U] < 0, Δ = E[π_H(U)·U]. The interval is split at u = 0,
 * where a rational human's policy jumps and a noisy one's bends.
 */
export function numericOffSwitch(
  belief: Belief,
  human: Human,
  method: QuadratureMethod = 'gauss-kronrod',
): OffSwitchValues {
  validateBelief(belief);
  validateHuman(human);
  const integrate = method === 'gauss-kronrod' ? integrateGaussKronrod : integrateTanhSinh;
  if (belief.kind === 'normal' && belief.deviation === 0) {
    const closed = closedFormOffSwitch(belief, human);
    if (closed === undefined) throw new Error('a point-mass belief always has a closed form');
    return closed;
  }
  const act = belief.kind === 'normal' ? belief.mean : (belief.low + belief.high) / 2;
  // Payoff u as a function of the integration variable, the density weight, and the range of the variable.
  const [start, end, payoffAt, weightAt, breakpoint] =
    belief.kind === 'normal'
      ? [
          -normalSpan,
          normalSpan,
          (z: number) => belief.mean + belief.deviation * z,
          standardNormalDensity,
          -belief.mean / belief.deviation,
        ]
      : [belief.low, belief.high, (u: number) => u, () => 1 / (belief.high - belief.low), 0];
  const integrand =
    act >= 0
      ? (x: number) => {
          const payoff = payoffAt(x);
          return -(1 - allowProbability(human, payoff)) * payoff * weightAt(x);
        }
      : (x: number) => {
          const payoff = payoffAt(x);
          return allowProbability(human, payoff) * payoff * weightAt(x);
        };
  // Pieces no wider than a few standard deviations: neither rule can then miss the bulk of the density by
  // sampling only an interval's ends, which tanh-sinh otherwise does when the bulk sits mid-interval.
  const pieceWidth = belief.kind === 'normal' ? 4 : end - start;
  const cuts = [start];
  for (let cut = start + pieceWidth; cut < end; cut += pieceWidth) cuts.push(cut);
  if (breakpoint > start && breakpoint < end) cuts.push(breakpoint);
  // A noisy human's policy bends over a width β around u = 0 that may be far narrower than the belief; cuts at
  // geometrically spaced distances from 0 keep that bend from falling between a rule's nodes.
  if (human.kind === 'noisy') {
    const bendWidth = belief.kind === 'normal' ? human.beta / belief.deviation : human.beta;
    for (let distance = bendWidth; distance < pieceWidth; distance *= 4) {
      for (const cut of [breakpoint - distance, breakpoint + distance]) if (cut > start && cut < end) cuts.push(cut);
    }
  }
  cuts.push(end);
  cuts.sort((left, right) => left - right);
  let delta = 0;
  for (let index = 1; index < cuts.length; index++) {
    delta += integrate(integrand, cuts[index - 1] as number, cuts[index] as number).value;
  }
  return valuesFrom(act, delta + Math.max(act, 0), delta, quadratureNoise(belief));
}

export interface OffSwitchResult extends OffSwitchValues {
  /** How Δ was computed: the closed form when one exists, otherwise Gauss–Kronrod. */
  method: 'closed-form' | 'gauss-kronrod';
  /** |Δ by Gauss–Kronrod − Δ by the independent check| (tanh-sinh, or the closed form when there is one). */
  crossCheckDifference: number;
}

/** Δ by the best available method, with the difference from an independent computation. */
export function solveOffSwitch(belief: Belief, human: Human): OffSwitchResult {
  const closed = closedFormOffSwitch(belief, human);
  const kronrod = numericOffSwitch(belief, human, 'gauss-kronrod');
  if (closed !== undefined) {
    return { ...closed, method: 'closed-form', crossCheckDifference: Math.abs(closed.delta - kronrod.delta) };
  }
  const tanhSinh = numericOffSwitch(belief, human, 'tanh-sinh');
  return { ...kronrod, method: 'gauss-kronrod', crossCheckDifference: Math.abs(kronrod.delta - tanhSinh.delta) };
}
