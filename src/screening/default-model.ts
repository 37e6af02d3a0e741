// The built-in detectors and their calibration, as shipped in src/screening/model/.
import { createClassifierDetector } from './classifier/classifier-detector.ts';
import type { ProvenanceCalibration } from './combine-scores.ts';
import type { Detector } from './detector.ts';
import { createRulesDetector } from './rules/rules-detector.ts';
import { shippedScreeningModel } from './screening-model.ts';

export function defaultDetectors(): Detector[] {
  return [createRulesDetector(), createClassifierDetector(shippedScreeningModel().classifier)];
}

export function defaultCalibration(): ProvenanceCalibration {
  return shippedScreeningModel().calibration;
}
