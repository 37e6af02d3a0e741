// Training the classifier on the rows a fold may see: the example pool filtered to them, the injected documents'
// chunks, source-balanced weights. Shared by the leave-source-out folds and the final model.
import type { Provenance } from '../../charter/charter-schema.ts';
import { classifierScore } from '../classifier/classifier-detector.ts';
import { dequantize, type QuantizedModel, quantizeWeights } from '../classifier/linear-model.ts';
import { styleInvariantText } from '../classifier/style-invariant-text.ts';
import { normalizeText } from '../normalize-text.ts';
import { createRulesDetector } from '../rules/rules-detector.ts';
import type { DevRow } from './dev-row.ts';
import { groupNearDuplicates } from './group-near-duplicates.ts';
import { primarySourceFamily, sourceFamilies } from './source-families.ts';
import { type TrainingExample, trainLogisticRegression } from './train-logistic-regression.ts';
import {
  balanceBySource,
  type ExampleRow,
  type ExampleSettings,
  injectedChunkExamples,
  type PoolExample,
} from './training-examples.ts';

export interface TrainingSettings extends ExampleSettings {
  epochs: number;
  /** Epochs of the model that picks each injected document's chunk (it never sees an injected document). */
  selectorEpochs: number;
  learningRate: number;
  l2: number;
}

export const defaultTrainingSettings: TrainingSettings = {
  seed: 20_261_128,
  epochs: 12,
  selectorEpochs: 4,
  learningRate: 0.2,
  l2: 1e-3,
  carrierCopies: 1,
  requestsInDocuments: false,
  sourceBalance: 0.5,
};

export interface PreparedRow extends ExampleRow {
  row: DevRow;
  /** Documents and injected documents are screened as documents; requests as a principal's words. */
  provenance: Provenance;
  rules: number;
  /** Every family the row's text came from; `family` is the one it is evaluated under. */
  families: readonly string[];
  /** Rows with the same group are near-duplicates or share a template: they are held out together. */
  group: number;
  /** Dev-set rows are evaluated; rows written for training only (data/screening/) are always trained on. */
  evaluated: boolean;
}

export function rowProvenance(row: DevRow): Provenance {
  return row.kind === 'benign_document' || row.kind === 'indirect_injection' ? 'document' : 'principal';
}

export function classifierView(text: string): string {
  return styleInvariantText(normalizeText(text).combined);
}

/** `trainingOnly` rows join the training data of every fold and are never evaluated. */
export function prepareRows(rows: readonly DevRow[], trainingOnly: readonly DevRow[] = []): PreparedRow[] {
  const rulesDetector = createRulesDetector();
  const all = [...rows, ...trainingOnly];
  const groups = groupNearDuplicates(all);
  return all.map((row, index) => {
    const provenance = rowProvenance(row);
    const normalized = normalizeText(row.text);
    const rules = rulesDetector.score(row.text, { provenance, principals: [], normalized, signal: undefined });
    if (rules instanceof Promise) throw new TypeError('the rules detector must be synchronous');
    return {
      row,
      kind: row.kind,
      label: row.label === 'attack' ? 1 : 0,
      provenance,
      untrusted: provenance !== 'principal',
      view: styleInvariantText(normalized.combined),
      rules: rules.score,
      family: primarySourceFamily(row.source, row.kind),
      families: sourceFamilies(row.source),
      group: groups[index]!,
      evaluated: index < rows.length,
    };
  });
}

function fitLinear(examples: readonly TrainingExample[], settings: TrainingSettings, seed: number, epochs: number) {
  const trained = trainLogisticRegression(examples, { ...settings, epochs, seed });
  return quantizeWeights(trained.bias, trained.weights);
}

/** Trains on the pool's examples whose rows are all `included`, plus the injected documents' chunks. */
export function trainClassifier(
  prepared: readonly PreparedRow[],
  pool: readonly PoolExample[],
  included: (row: number) => boolean,
  settings: TrainingSettings,
  seed: number,
): QuantizedModel {
  const base = pool.filter((example) => example.rows.every(included));
  const selector = dequantize(fitLinear(base, settings, seed ^ 0x5eed, settings.selectorEpochs));
  const chunks = injectedChunkExamples(prepared, included, selector, settings);
  const examples = balanceBySource([...base, ...chunks], prepared, settings.sourceBalance);
  return fitLinear(examples, settings, seed, settings.epochs);
}

export function scoreClassifier(model: QuantizedModel, rows: readonly PreparedRow[]): number[] {
  const linear = dequantize(model);
  return rows.map((entry) => classifierScore(linear, entry.view, entry.untrusted).score);
}
