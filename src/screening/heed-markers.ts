// heed's own provenance markers: the headers of verified orders and kernel notices, the data header of a tool result
// or document, and the delimiters of untrusted blocks. Only the kernel writes them, so any copy inside untrusted
// content is an imitation: the screener flags it whatever the classifier thinks, and rendering neutralises it.
import type { Detector } from './detector.ts';

/** The forms the kernel renders, in any case and spacing; `<<untrusted-` covers the closing delimiter too. */
// Separators may be missing: normalisation removes the zero-width characters a forger would put between words. The
// data header's gap stops at `[` and at the `«` that neutralising puts there, so neutralising forms no new match.
const markerImitation =
  /\[[ \t]*verified[ \t]*order\b|\[[ \t]*heed[ \t]*kernel[ \t]*notice[ \t]*\]|<<[ \t]*(?:\/[ \t]*)?untrusted-|\[[ \t]*data[ \t]*:[^[\]\n«]{0,80}\bnot[ \t]*an[ \t]*order\b/gi;
// The same claim without brackets, as a forger might write it: "verified order 42: task, signed by alice".
const bareVerifiedOrder = /\bverified\s*order\s+[^\s:]{1,128}:\s*[a-z]+,\s*signed\s*by\b/i;

/** The first imitation of a heed marker in `text`, or undefined. */
export function findMarkerImitation(text: string): string | undefined {
  markerImitation.lastIndex = 0;
  const found = markerImitation.exec(text) ?? bareVerifiedOrder.exec(text);
  markerImitation.lastIndex = 0;
  return found?.[0];
}

/**
 * Deterministically breaks every bracketed or delimiting imitation, so no header inside content reads as heed's:
 * the opening `[` or `<` becomes `«`. A fixed point: the result holds no marker, so a second pass changes nothing.
 */
export function neutralizeMarkers(text: string): string {
  if (!text.includes('[') && !text.includes('<<')) return text;
  return text.replace(markerImitation, (match) => `«${match.slice(1)}`);
}

/**
 * A detector apart from the rules and the classifier, so no calibration can weigh it down: an imitation scores 1,
 * which flags the content at any threshold.
 */
export function createMarkerDetector(): Detector {
  return {
    name: 'heed-markers',
    score(_text, context) {
      const found = findMarkerImitation(context.normalized.combined);
      return found === undefined
        ? { score: 0, reasons: [] }
        : {
            score: 1,
            reasons: [`authority-spoof: imitates heed's own marker "${found.replace(/\s+/g, ' ').slice(0, 80)}"`],
          };
    },
  };
}
