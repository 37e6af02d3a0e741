import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, UnknownNameError } from '../../core/heed-error.ts';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { parseYamlOrJson } from '../../core/parse-yaml-or-json.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';
import { type Scenario, scenarioSchema } from './scenario-schema.ts';

const builtinSuitesFolder = fileURLToPath(new URL('../suites/', import.meta.url));

export function builtinSuiteNames(): string[] {
  return readdirSync(builtinSuitesFolder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The most bytes heed reads of one scenario file (its environment's files included). */
export const maxScenarioBytes = 16 * 1024 * 1024;

export function loadScenarioFile(path: string): Scenario {
  const text = readBoundedText(path, 'scenario', maxScenarioBytes);
  return parseWithSchema(scenarioSchema, parseYamlOrJson(text, `scenario ${path}`), `scenario ${path}`);
}

/** A suite is a built-in name, a folder of scenario files, or one scenario file. */
export function loadSuite(nameOrPath: string): Scenario[] {
  let path = nameOrPath;
  if (!existsSync(path)) {
    if (!builtinSuiteNames().includes(nameOrPath)) {
      if (/[/\\.]/.test(nameOrPath)) throw new InvalidInputError(`Suite path ${nameOrPath} does not exist.`);
      throw new UnknownNameError('suite', nameOrPath, builtinSuiteNames());
    }
    path = join(builtinSuitesFolder, nameOrPath);
  }
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((file) => /\.(ya?ml|json)$/.test(file))
        .sort()
        .map((file) => join(path, file))
    : [path];
  if (files.length === 0)
    throw new InvalidInputError(`Suite ${nameOrPath} has no scenario files (.yaml, .yml or .json).`);
  const scenarios = files.map(loadScenarioFile);
  const seen = new Map<string, string>();
  scenarios.forEach((scenario, index) => {
    const earlier = seen.get(scenario.id);
    if (earlier)
      throw new InvalidInputError(`Scenario id '${scenario.id}' appears twice: ${earlier} and ${files[index]}.`);
    seen.set(scenario.id, files[index]!);
  });
  return scenarios;
}
