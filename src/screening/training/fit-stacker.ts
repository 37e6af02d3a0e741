// Logistic regression on a few dense features by Newton's method: the stacking calibration.
export interface StackerFit {
  intercept: number;
  weights: number[];
}

/** Solves `matrix * x = vector` by Gaussian elimination with partial pivoting (small systems only). */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index]!]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    for (let row = column + 1; row < size; row += 1) {
      const factor = rows[row]![column]! / rows[column]![column]!;
      for (let entry = column; entry <= size; entry += 1) rows[row]![entry]! -= factor * rows[column]![entry]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = rows[row]![size]!;
    for (let column = row + 1; column < size; column += 1) sum -= rows[row]![column]! * solution[column]!;
    solution[row] = sum / rows[row]![row]!;
  }
  return solution;
}

export function fitStacker(features: readonly number[][], labels: readonly (0 | 1)[], ridge = 1e-3): StackerFit {
  const width = (features[0]?.length ?? 0) + 1;
  let parameters = new Array<number>(width).fill(0);
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const gradient = new Array<number>(width).fill(0);
    const hessian = Array.from({ length: width }, () => new Array<number>(width).fill(0));
    features.forEach((row, index) => {
      const inputs = [1, ...row];
      let logit = 0;
      for (let column = 0; column < width; column += 1) logit += parameters[column]! * inputs[column]!;
      const probability = 1 / (1 + Math.exp(-logit));
      const curvature = Math.max(probability * (1 - probability), 1e-9);
      for (let column = 0; column < width; column += 1) {
        gradient[column]! += (probability - labels[index]!) * inputs[column]!;
        for (let other = 0; other < width; other += 1)
          hessian[column]![other]! += curvature * inputs[column]! * inputs[other]!;
      }
    });
    for (let column = 1; column < width; column += 1) {
      gradient[column]! += ridge * parameters[column]!;
      hessian[column]![column]! += ridge;
    }
    const step = solve(hessian, gradient);
    parameters = parameters.map((value, column) => value - step[column]!);
    if (step.every((value) => Math.abs(value) < 1e-10)) break;
  }
  return { intercept: parameters[0]!, weights: parameters.slice(1) };
}
