// ln Γ(x) for x > 0: Stirling's series (DLMF 5.11.1) once x ≥ 15, reached from smaller x by the recurrence
// Γ(x + 1) = x·Γ(x) (DLMF 5.5.1). The first seven Bernoulli terms leave a truncation error below 1e-17 there.

const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
// B₂ₖ / (2k(2k − 1)) for k = 1…7: 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156.
const stirlingCoefficients = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
const stirlingFrom = 15;

export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}.`);
  if (x === 1 || x === 2) return 0;
  let shift = 0;
  let product = 1;
  let argument = x;
  while (argument < stirlingFrom) {
    product *= argument;
    argument += 1;
    // Taking the logarithm every few factors keeps the product far from overflow and underflow.
    if (product > 1e250 || product < 1e-250) {
      shift += Math.log(product);
      product = 1;
    }
  }
  shift += Math.log(product);
  const inverse = 1 / argument;
  const inverseSquare = inverse * inverse;
  let series = 0;
  for (let index = stirlingCoefficients.length - 1; index >= 0; index--) {
    series = series * inverseSquare + stirlingCoefficients[index]!;
  }
  return (argument - 0.5) * Math.log(argument) - argument + halfLogTwoPi + series * inverse - shift;
}
