import { type Human, numericOffSwitch, solveOffSwitch } from './off-switch-delta.ts';

export interface OffSwitchGrid {
  means: number[];
  deviations: number[];
  betas: number[];
}

export const defaultOffSwitchGrid: OffSwitchGrid = {
  means: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2],
  deviations: [0, 0.25, 0.5, 1, 1.5, 2, 3],
  betas: [0.1, 0.5, 1, 2],
};

export interface OffSwitchGridPoint {
  human: 'rational' | 'noisy';
  beta: number | null;
  mean: number;
  deviation: number;
  delta: number;
  defers: boolean;
  /** Δ from the closed form, where one exists. */
  closedForm: number | null;
  gaussKronrod: number;
  tanhSinh: number;
  /** For a noisy human: whether σ² > 2β|μ| (the criterion being checked). */
  criterion: boolean | null;
}

export function humanLabel(human: Human): string {
  return human.kind === 'rational' ? 'rational' : `noisy(β=${human.beta})`;
}

/** Δ at every grid point, for a rational human and a noisy human at each β, by every method that applies. */
export function offSwitchGridPoints(grid: OffSwitchGrid): OffSwitchGridPoint[] {
  const humans: Human[] = [{ kind: 'rational' }, ...grid.betas.map((beta): Human => ({ kind: 'noisy', beta }))];
  const points: OffSwitchGridPoint[] = [];
  for (const human of humans) {
    for (const deviation of grid.deviations) {
      for (const mean of grid.means) {
        const belief = { kind: 'normal', mean, deviation } as const;
        const solved = solveOffSwitch(belief, human);
        points.push({
          human: human.kind,
          beta: human.kind === 'noisy' ? human.beta : null,
          mean,
          deviation,
          delta: solved.delta,
          defers: solved.defers,
          closedForm: solved.method === 'closed-form' ? solved.delta : null,
          gaussKronrod: numericOffSwitch(belief, human, 'gauss-kronrod').delta,
          tanhSinh: numericOffSwitch(belief, human, 'tanh-sinh').delta,
          criterion: human.kind === 'noisy' ? deviation * deviation > 2 * human.beta * Math.abs(mean) : null,
        });
      }
    }
  }
  return points;
}
