// The screening composition root: normalise, run the detectors, combine into one calibrated score, decide per provenance.
import { type Provenance, screeningPolicySchema } from '../charter/charter-schema.ts';
import { type Calibration, combineScores, type ProvenanceCalibration, provenanceGroup } from './combine-scores.ts';
import { defaultCalibration, defaultDetectors } from './default-model.ts';
import type { Detector, DetectorContext, DetectorResult } from './detector.ts';
import { createMarkerDetector } from './heed-markers.ts';
import { normalizeText } from './normalize-text.ts';

export type ScreeningThresholds = Record<Provenance, number>;

/** The charter's defaults (`screening.thresholds`); docs/screening.md shows the false-positive rates they give. */
export function defaultScreeningThresholds(): ScreeningThresholds {
  return screeningPolicySchema.parse({}).thresholds;
}

/** Inputs longer than this many characters are screened on their first part only, and marked `truncated`. */
export const defaultMaxScreenedCharacters = 65_536;

export interface ScreeningVerdict {
  /** Calibrated probability-like score in [0, 1] that the input is an attack. */
  score: number;
  verdict: 'pass' | 'flag';
  /** The threshold the score was compared with (the provenance's). */
  threshold: number;
  reasons: string[];
  detectors: Record<string, DetectorResult>;
  truncated?: boolean;
}

export interface ScreenOptions {
  provenance: Provenance;
  /** Principal names (and display names) whose mention in untrusted content counts as a claim of authority. */
  principals?: readonly string[];
  signal?: AbortSignal;
}

export interface ScreenerOptions {
  /** Flag at or above these scores; missing provenances keep the defaults. */
  thresholds?: Partial<ScreeningThresholds>;
  /** Replaces the built-in detectors (rules and the trained classifier). */
  detectors?: readonly Detector[];
  /** External judges (LLM, HTTP classifier); their score can raise the combined score, never lower it. */
  judges?: readonly Detector[];
  /**
   * How the built-in detectors' scores combine: one calibration, or one per provenance group (a principal's words,
   * untrusted content); null combines every detector by maximum.
   */
  calibration?: Calibration | ProvenanceCalibration | null;
  maxCharacters?: number;
}

export interface Screener {
  readonly thresholds: ScreeningThresholds;
  screen(text: string, options: ScreenOptions): Promise<ScreeningVerdict>;
  /** The same, without awaiting: for the built-in (synchronous) detectors only; throws if a detector is async. */
  screenSync(text: string, options: ScreenOptions): ScreeningVerdict;
}

function clampScore(score: number, detector: string): number {
  if (!Number.isFinite(score)) throw new TypeError(`detector '${detector}' returned a score that is not a number`);
  return Math.min(1, Math.max(0, score));
}

/** Reasons are read by people: a detector that quotes its input (a "word" of 64 K characters) is cut to a line. */
export const maxReasonCharacters = 240;

function capReason(reason: string): string {
  if (reason.length <= maxReasonCharacters) return reason;
  let end = maxReasonCharacters - 1;
  // Never cut between the two halves of a surrogate pair.
  const last = reason.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${reason.slice(0, end)}…`;
}

export function createScreener(options: ScreenerOptions = {}): Screener {
  const thresholds: ScreeningThresholds = { ...defaultScreeningThresholds(), ...options.thresholds };
  for (const [provenance, threshold] of Object.entries(thresholds)) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new RangeError(`screening threshold for '${provenance}' must be in [0, 1], got ${threshold}`);
    }
  }
  // Imitations of heed's own markers are flagged whatever detectors are configured.
  const detectors = [...(options.detectors ?? defaultDetectors()), createMarkerDetector()];
  const judges = options.judges ?? [];
  const chosen = options.calibration === undefined ? defaultCalibration() : options.calibration;
  const calibrationFor = (provenance: Provenance): Calibration | null =>
    chosen === null || 'intercept' in chosen ? chosen : chosen[provenanceGroup(provenance)];
  const maxCharacters = options.maxCharacters ?? defaultMaxScreenedCharacters;

  function prepare(input: string, screenOptions: ScreenOptions) {
    const truncated = input.length > maxCharacters;
    const text = truncated ? input.slice(0, maxCharacters) : input;
    const context: DetectorContext = {
      provenance: screenOptions.provenance,
      principals: screenOptions.principals ?? [],
      normalized: normalizeText(text),
      signal: screenOptions.signal,
    };
    return { text, truncated, context };
  }

  function record(results: Record<string, DetectorResult>, name: string, result: DetectorResult): void {
    results[name] = { score: clampScore(result.score, name), reasons: result.reasons.map(capReason) };
  }

  function decide(
    local: Record<string, DetectorResult>,
    judged: Record<string, DetectorResult>,
    provenance: Provenance,
    truncated: boolean,
  ): ScreeningVerdict {
    const score = Math.max(
      combineScores(local, calibrationFor(provenance)),
      ...Object.values(judged).map((result) => result.score),
    );
    const threshold = thresholds[provenance];
    const all = { ...local, ...judged };
    const reasons = [...new Set(Object.values(all).flatMap((result) => result.reasons))];
    if (truncated) reasons.push(`only the first ${maxCharacters} characters were screened`);
    return {
      score,
      verdict: score >= threshold ? 'flag' : 'pass',
      threshold,
      reasons,
      detectors: all,
      ...(truncated ? { truncated: true } : {}),
    };
  }

  return {
    thresholds,
    async screen(input, screenOptions) {
      const { text, truncated, context } = prepare(input, screenOptions);
      const local: Record<string, DetectorResult> = {};
      const judged: Record<string, DetectorResult> = {};
      for (const [list, results] of [
        [detectors, local],
        [judges, judged],
      ] as const) {
        for (const detector of list) {
          context.signal?.throwIfAborted();
          record(results, detector.name, await detector.score(text, context));
        }
      }
      return decide(local, judged, screenOptions.provenance, truncated);
    },
    screenSync(input, screenOptions) {
      if (judges.length > 0) throw new TypeError('screenSync cannot run external judges; use screen');
      const { text, truncated, context } = prepare(input, screenOptions);
      context.signal?.throwIfAborted();
      const local: Record<string, DetectorResult> = {};
      for (const detector of detectors) {
        const result = detector.score(text, context);
        if (result instanceof Promise) throw new TypeError(`detector '${detector.name}' is asynchronous; use screen`);
        record(local, detector.name, result);
      }
      return decide(local, {}, screenOptions.provenance, truncated);
    },
  };
}
