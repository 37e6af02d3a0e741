// Ranking and threshold metrics for a detector's scores: ROC AUC, TPR at a fixed FPR, rates at a threshold.

/** ROC AUC by the rank-sum statistic, ties counted half. NaN when either class is empty. */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [
    ...positives.map((score) => ({ score, positive: true })),
    ...negatives.map((score) => ({ score, positive: false })),
  ].sort((left, right) => left.score - right.score);
  let rankSum = 0;
  let position = 0;
  while (position < all.length) {
    let end = position;
    while (end + 1 < all.length && all[end + 1]!.score === all[position]!.score) end += 1;
    const averageRank = (position + end) / 2 + 1;
    for (let index = position; index <= end; index += 1) if (all[index]!.positive) rankSum += averageRank;
    position = end + 1;
  }
  return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
}

/** The lowest threshold whose false-positive rate (share of negatives scoring at or above it) is at most `rate`. */
export function thresholdForFalsePositiveRate(negatives: readonly number[], rate: number): number {
  const sorted = [...negatives].sort((left, right) => right - left);
  const allowed = Math.floor(rate * sorted.length);
  // Scores strictly above the (allowed+1)-th highest negative keep at most `allowed` false positives.
  const boundary = sorted[allowed];
  if (boundary === undefined) return 0;
  return nextAbove(boundary);
}

function nextAbove(value: number): number {
  return value + Math.max(Number.EPSILON, Math.abs(value) * 1e-12);
}

export function rateAtOrAbove(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return Number.NaN;
  return scores.filter((score) => score >= threshold).length / scores.length;
}

export function truePositiveRateAtFalsePositiveRate(
  positives: readonly number[],
  negatives: readonly number[],
  rate: number,
): number {
  return rateAtOrAbove(positives, thresholdForFalsePositiveRate(negatives, rate));
}
