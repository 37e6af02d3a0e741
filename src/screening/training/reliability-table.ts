// Calibration as a reliability table: in each band of predicted score, how many rows fell there and how many of
// them were attacks. A calibrated score's bands show observed rates close to their mean prediction.
export interface ReliabilityBin {
  /** The band [from, to); the last band includes 1. */
  from: number;
  to: number;
  rows: number;
  meanPredicted: number;
  observedAttackRate: number;
}

const round = (value: number): number => (Number.isNaN(value) ? value : Math.round(value * 10_000) / 10_000);

export function reliabilityTable(scores: readonly number[], labels: readonly (0 | 1)[], bins = 10): ReliabilityBin[] {
  if (scores.length !== labels.length) throw new RangeError('reliabilityTable needs one label per score');
  const sums = Array.from({ length: bins }, () => ({ rows: 0, predicted: 0, attacks: 0 }));
  scores.forEach((score, index) => {
    const bin = sums[Math.min(bins - 1, Math.max(0, Math.floor(score * bins)))]!;
    bin.rows += 1;
    bin.predicted += score;
    bin.attacks += labels[index]!;
  });
  return sums.map((bin, index) => ({
    from: index / bins,
    to: (index + 1) / bins,
    rows: bin.rows,
    meanPredicted: round(bin.rows === 0 ? Number.NaN : bin.predicted / bin.rows),
    observedAttackRate: round(bin.rows === 0 ? Number.NaN : bin.attacks / bin.rows),
  }));
}

/** Expected calibration error: the rows-weighted mean gap between predicted and observed rates. */
export function expectedCalibrationError(table: readonly ReliabilityBin[]): number {
  const rows = table.reduce((sum, bin) => sum + bin.rows, 0);
  if (rows === 0) return Number.NaN;
  const gap = table.reduce(
    (sum, bin) => (bin.rows === 0 ? sum : sum + bin.rows * Math.abs(bin.meanPredicted - bin.observedAttackRate)),
    0,
  );
  return round(gap / rows);
}
