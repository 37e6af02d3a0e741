// The built-in detectors and their calibration, as shipped in src/screening/model/.
import type { Calibration } from './combine-scores.ts';
import type { Detector } from './detector.ts';
import { createRulesDetector } from './rules/rules-detector.ts';

export function defaultDetectors(): Detector[] {
  return [createRulesDetector()];
}

export function defaultCalibration(): Calibration | null {
  return null;
}
