// The detector seam: every screening signal (rules, the trained classifier, an external judge) has this shape.
import type { Provenance } from '../charter/charter-schema.ts';
import type { NormalizedText } from './normalize-text.ts';

export interface DetectorResult {
  /** In [0, 1]: how strongly this detector thinks the text is an attack. */
  score: number;
  /** Why, in words a reviewer can check; empty when nothing was found. */
  reasons: string[];
}

export interface DetectorContext {
  provenance: Provenance;
  /** Principal names whose mention in untrusted content counts as a claim of authority. */
  principals: readonly string[];
  /** The text after normalisation: NFKC, invisibles removed, obvious encodings decoded. */
  normalized: NormalizedText;
  signal: AbortSignal | undefined;
}

export interface Detector {
  readonly name: string;
  score(text: string, context: DetectorContext): DetectorResult | Promise<DetectorResult>;
}
