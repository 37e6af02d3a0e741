// `npm run train:memory-drift`: trains the memory drift classifier from data/memory-drift/ and writes
// src/kernel/policy/memory-drift/drift-model.json; prints the out-of-fold rates as one JSON line.
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { shippedDriftModelPath } from '../src/kernel/policy/memory-drift/drift-model.ts';
import {
  defaultDriftTrainingSettings,
  readDriftData,
  trainDriftModel,
} from '../src/kernel/policy/memory-drift/train-drift-model.ts';

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
const seed = values.seed === undefined ? defaultDriftTrainingSettings.seed : Number(values.seed);
if (!Number.isSafeInteger(seed)) {
  console.error(`train-memory-drift: --seed must be an integer, got '${values.seed}'.`);
  process.exit(2);
}
const { examples, sha256 } = readDriftData(new URL('../data/memory-drift/', import.meta.url));
const { file, crossValidation } = trainDriftModel(examples, { ...defaultDriftTrainingSettings, seed }, sha256);
// Written beside, then renamed: a crash never leaves a half-written model.
const path = fileURLToPath(shippedDriftModelPath);
writeFileSync(`${path}.tmp`, `${JSON.stringify(file)}\n`);
renameSync(`${path}.tmp`, path);
console.log(JSON.stringify(crossValidation));
