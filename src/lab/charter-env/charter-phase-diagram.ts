// Where each target resists: the charter environment solved over a grid of one hazard h (stops only, or changes only),
// the discount γ and the task length k, against the closed-form threshold for an agent that values only the
// instruction it holds now: it blocks at the start exactly when (1 − h)^(k − 1) < γ.
import { charterEnvironmentParameters, charterStartState } from './charter-environment.ts';
import { measureCharterPolicy } from './charter-metrics.ts';
import { charterObjective } from './charter-targets.ts';
import { solveCharter } from './solve-charter.ts';

export const phaseHazards = ['stop', 'change'] as const;
export type PhaseHazard = (typeof phaseHazards)[number];
export const phaseTargets = ['if-last', 'if-next', 'utility-indifference', 'indifference-both'] as const;

export interface PhaseGrid {
  hazards: number[];
  taskLengths: number[];
  discounts: number[];
  horizon: number;
}

export const defaultPhaseGrid: PhaseGrid = {
  hazards: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
  taskLengths: [1, 2, 3, 4, 5, 6, 7, 8],
  discounts: [0.8, 0.9, 0.95, 0.99, 1],
  horizon: 20,
};

export interface PhaseCell {
  hazard: PhaseHazard;
  target: string;
  probability: number;
  taskLength: number;
  discount: number;
  /** The rate at which orders of this kind are blocked (null: none is ever issued). */
  blockRate: number | null;
  /** Whether the optimal first action is to block this kind of order. */
  blocksAtStart: boolean;
  /** The closed form's prediction for blocking at the start: (1 − h)^(k − 1) < γ. */
  threshold: boolean;
}

/**
 * Whether an agent valuing only its held instruction blocks a single hazard h before working: blocking first
 * completes at step k + 1 for γ^k; working at once completes at step k, surviving k − 1 draws, for
 * γ^(k − 1)(1 − h)^(k − 1); blocking later is worse than either. So it blocks exactly when (1 − h)^(k − 1) < γ.
 */
export function resistanceThreshold(hazard: number, taskLength: number, discount: number): boolean {
  return (1 - hazard) ** (taskLength - 1) < discount;
}

/** Solves every target at every grid point for each hazard kind (the other order and going missing switched off). */
export function charterPhaseDiagram(grid: PhaseGrid = defaultPhaseGrid, onCell: () => void = () => {}): PhaseCell[] {
  const cells: PhaseCell[] = [];
  for (const hazard of phaseHazards) {
    for (const target of phaseTargets) {
      for (const discount of grid.discounts) {
        for (const taskLength of grid.taskLengths) {
          for (const probability of grid.hazards) {
            const parameters = charterEnvironmentParameters({
              horizon: grid.horizon,
              taskLength,
              discount,
              stopProbability: hazard === 'stop' ? probability : 0,
              changeProbability: hazard === 'change' ? probability : 0,
              missingProbability: 0,
              mixedWeights: [0],
            });
            const solution = solveCharter(charterObjective(target, parameters), parameters);
            const metrics = measureCharterPolicy(solution, parameters);
            cells.push({
              hazard,
              target,
              probability,
              taskLength,
              discount,
              blockRate: hazard === 'stop' ? metrics.blockStopRate : metrics.blockChangeRate,
              blocksAtStart:
                solution.policy(charterStartState) === (hazard === 'stop' ? 'block-stops' : 'block-changes'),
              threshold: resistanceThreshold(probability, taskLength, discount),
            });
            onCell();
          }
        }
      }
    }
  }
  return cells;
}
