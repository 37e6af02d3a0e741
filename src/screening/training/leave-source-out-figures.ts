// Figures from leave-one-source-out scores, for heed and for any other screener scored on the same rows: pooled
// ROC AUC and TPR at 1% FPR, per kind, and per held-out source family (the mean and the worst).
import {
  rateAtOrAbove,
  rocAuc,
  thresholdForFalsePositiveRate,
  truePositiveRateAtFalsePositiveRate,
} from './classification-metrics.ts';
import { attackKinds } from './dev-row.ts';

export interface ScoredRow {
  label: 0 | 1;
  kind: string;
  family: string;
  /** The threshold this screener flags the row at by default (heed's depends on provenance). */
  defaultThreshold: number;
}

/** A source family counts toward the mean and the worst source of a kind when it has this many rows of it. */
export const minimumSourceRows = 20;

export interface SourceFigure {
  family: string;
  rows: number;
  rocAuc: number;
  truePositiveRate: number;
}

export interface AttackFigures {
  rows: number;
  rocAuc: number;
  /** At the threshold that flags 1% of all benign rows. */
  truePositiveRate: number;
  /** At the screener's default threshold. */
  flaggedAtDefault: number;
  /** Each family with enough rows, held out, at the same 1%-FPR threshold. */
  sources: SourceFigure[];
  meanSourceTruePositiveRate: number;
  worstSource: SourceFigure | undefined;
}

export interface BenignFigures {
  rows: number;
  /** False positives at the screener's default threshold. */
  flaggedAtDefault: number;
  sources: { family: string; rows: number; flaggedAtDefault: number }[];
}

export interface LeaveSourceOutFigures {
  /** The score at which 1% of all benign rows are flagged. */
  thresholdAt1PercentFalsePositives: number;
  overall: AttackFigures;
  kinds: Record<string, AttackFigures>;
  benign: Record<'all' | 'benign_request' | 'benign_document', BenignFigures>;
}

const round = (value: number): number => (Number.isNaN(value) ? value : Math.round(value * 10_000) / 10_000);

function families(rows: readonly ScoredRow[], indices: readonly number[]): Map<string, number[]> {
  const byFamily = new Map<string, number[]>();
  for (const index of indices) {
    const family = rows[index]!.family;
    const list = byFamily.get(family);
    if (list === undefined) byFamily.set(family, [index]);
    else list.push(index);
  }
  return new Map([...byFamily].sort(([left], [right]) => left.localeCompare(right)));
}

export function leaveSourceOutFigures(rows: readonly ScoredRow[], scores: readonly number[]): LeaveSourceOutFigures {
  const indicesWhere = (predicate: (row: ScoredRow) => boolean) =>
    rows.flatMap((row, index) => (predicate(row) ? [index] : []));
  const scoresOf = (indices: readonly number[]) => indices.map((index) => scores[index]!);
  const flagged = (indices: readonly number[]) =>
    indices.length === 0
      ? Number.NaN
      : indices.filter((index) => scores[index]! >= rows[index]!.defaultThreshold).length / indices.length;
  const benign = indicesWhere((row) => row.label === 0);
  const benignScores = scoresOf(benign);
  const threshold = thresholdForFalsePositiveRate(benignScores, 0.01);

  const attackFigures = (indices: readonly number[]): AttackFigures => {
    const sources: SourceFigure[] = [];
    for (const [family, members] of families(rows, indices)) {
      if (members.length < minimumSourceRows) continue;
      sources.push({
        family,
        rows: members.length,
        rocAuc: round(rocAuc(scoresOf(members), benignScores)),
        truePositiveRate: round(rateAtOrAbove(scoresOf(members), threshold)),
      });
    }
    const worstSource = sources.reduce<SourceFigure | undefined>(
      (worst, source) => (worst === undefined || source.truePositiveRate < worst.truePositiveRate ? source : worst),
      undefined,
    );
    return {
      rows: indices.length,
      rocAuc: round(rocAuc(scoresOf(indices), benignScores)),
      truePositiveRate: round(truePositiveRateAtFalsePositiveRate(scoresOf(indices), benignScores, 0.01)),
      flaggedAtDefault: round(flagged(indices)),
      sources,
      meanSourceTruePositiveRate: round(
        sources.reduce((sum, source) => sum + source.truePositiveRate, 0) / Math.max(1, sources.length),
      ),
      worstSource,
    };
  };
  const benignFigures = (indices: readonly number[]): BenignFigures => ({
    rows: indices.length,
    flaggedAtDefault: round(flagged(indices)),
    sources: [...families(rows, indices)].map(([family, members]) => ({
      family,
      rows: members.length,
      flaggedAtDefault: round(flagged(members)),
    })),
  });

  return {
    thresholdAt1PercentFalsePositives: threshold,
    overall: attackFigures(indicesWhere((row) => row.label === 1)),
    kinds: Object.fromEntries(
      attackKinds.map((kind) => [kind, attackFigures(indicesWhere((row) => row.label === 1 && row.kind === kind))]),
    ),
    benign: {
      all: benignFigures(benign),
      benign_request: benignFigures(indicesWhere((row) => row.kind === 'benign_request')),
      benign_document: benignFigures(indicesWhere((row) => row.kind === 'benign_document')),
    },
  };
}
