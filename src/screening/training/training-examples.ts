// The classifier's training examples, built once for a run and filtered per fold: every example remembers the rows
// its text came from, so a fold that holds a source out drops every example that carries any of its words.
import { seededRandom } from '../../core/seeded-random.ts';
import { classifierLogits } from '../classifier/classifier-detector.ts';
import { hashFeatures } from '../classifier/hash-features.ts';
import type { LinearModel } from '../classifier/linear-model.ts';
import { splitIntoChunks } from '../classifier/split-into-chunks.ts';
import { styleInvariantText } from '../classifier/style-invariant-text.ts';
import { insertInto, randomCarrier, wrapInCarrier } from './carriers.ts';
import type { TrainingExample } from './train-logistic-regression.ts';

export interface ExampleRow {
  kind: string;
  label: 0 | 1;
  /** The family whose share of the training weight this row's examples count toward. */
  family: string;
  /** The classifier's view of the text (normalised, then style-invariant). */
  view: string;
  untrusted: boolean;
}

export interface PoolExample extends TrainingExample {
  /** The rows whose text is in this example: the first is the one it stands for. */
  rows: readonly number[];
}

export interface ExampleSettings {
  seed: number;
  /** Carrier-wrapped copies of each row (attacks and benign alike). */
  carrierCopies: number;
  /** Benign requests placed inside documents count as injections, as an out-of-place task in data is one. */
  requestsInDocuments: boolean;
  /** 0: every example counts once; 1: every source family weighs the same per label; between: in part. */
  sourceBalance: number;
}

const chunkedExample = (view: string, untrusted: boolean, label: 0 | 1, rows: readonly number[]): PoolExample => ({
  features: hashFeatures(view, untrusted),
  label,
  rows,
});

/** Short pieces of benign documents to host a carried text, with the row each came from. */
function hostPieces(rows: readonly ExampleRow[]): { row: number; text: string }[] {
  const pieces: { row: number; text: string }[] = [];
  rows.forEach((row, index) => {
    if (row.kind !== 'benign_document') return;
    const chunks = splitIntoChunks(row.view);
    pieces.push({ row: index, text: chunks[Math.floor(chunks.length / 2)]! });
  });
  return pieces;
}

/** Examples that do not depend on a fold's model: every row but the injected documents. */
export function buildExamplePool(rows: readonly ExampleRow[], settings: ExampleSettings): PoolExample[] {
  const random = seededRandom(settings.seed ^ 0x0ca77e25);
  const hosts = hostPieces(rows);
  const pool: PoolExample[] = [];
  const carried = (index: number, text: string, label: 0 | 1) => {
    for (let copy = 0; copy < settings.carrierCopies; copy += 1) {
      const host = hosts[Math.floor(random() * hosts.length)];
      const inHost = host === undefined || host.row === index ? text : insertInto(host.text, text, random);
      const wrapped = styleInvariantText(wrapInCarrier(randomCarrier(random), inHost, random));
      pool.push(chunkedExample(wrapped, true, label, host === undefined ? [index] : [index, host.row]));
    }
  };
  rows.forEach((row, index) => {
    if (row.kind === 'indirect_injection') return;
    pool.push(chunkedExample(row.view, row.untrusted, row.label, [index]));
    if (row.label === 1) {
      // An attack aimed at the model is no less one when it arrives inside a tool result.
      if (!row.untrusted) pool.push(chunkedExample(row.view, true, 1, [index]));
      carried(index, row.view, 1);
    } else if (row.kind === 'benign_document') {
      const chunks = splitIntoChunks(row.view);
      if (chunks.length > 1) for (const chunk of chunks) pool.push(chunkedExample(chunk, true, 0, [index]));
      carried(index, chunks[Math.floor(random() * chunks.length)]!, 0);
    } else if (settings.requestsInDocuments) {
      carried(index, row.view, 1);
    }
  });
  return pool;
}

/**
 * An injected document is mostly its innocent host text; training on the whole of it would teach the model that
 * emails or tables are attacks. So each contributes only its most order-like chunk, chosen by `selector` (a model
 * that never saw an injected document): an attack inside a document, an ordinary request from a principal.
 */
export function injectedChunkExamples(
  rows: readonly ExampleRow[],
  included: (row: number) => boolean,
  selector: LinearModel,
  settings: ExampleSettings,
): PoolExample[] {
  const examples: PoolExample[] = [];
  const random = seededRandom(settings.seed ^ 0x1d1ec7);
  rows.forEach((row, index) => {
    if (row.kind !== 'indirect_injection' || !included(index)) return;
    const chunk = classifierLogits(selector, row.view, true).chunk();
    examples.push(chunkedExample(chunk, true, 1, [index]));
    examples.push(chunkedExample(chunk, false, 0, [index]));
    for (let copy = 0; copy < settings.carrierCopies; copy += 1) {
      examples.push(
        chunkedExample(styleInvariantText(wrapInCarrier(randomCarrier(random), chunk, random)), true, 1, [index]),
      );
    }
  });
  return examples;
}

/** Weights that give each source family a share of its label's total weight that grows as its rows^(1 - balance). */
export function balanceBySource(
  examples: readonly PoolExample[],
  rows: readonly ExampleRow[],
  balance: number,
): PoolExample[] {
  if (balance === 0) return [...examples];
  const counts = new Map<string, number>();
  const key = (example: PoolExample) => `${example.label}\u0000${rows[example.rows[0]!]!.family}`;
  for (const example of examples) counts.set(key(example), (counts.get(key(example)) ?? 0) + 1);
  const raw = examples.map((example) => counts.get(key(example))! ** -balance);
  const mean = raw.reduce((sum, value) => sum + value, 0) / raw.length;
  return examples.map((example, index) => ({ ...example, weight: raw[index]! / mean }));
}
