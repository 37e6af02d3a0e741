#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { nodeVersionProblem } from './require-node.js';

const problem = nodeVersionProblem();
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
// Node 22 says at every start that node:sqlite is experimental; heed relies on it on purpose and the line is
// noise to a user. Other warnings still show.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning' && String(warning).startsWith('SQLite')) return;
  emitWarning.call(process, warning, ...rest);
};
// Caches compiled modules between runs: the CLI starts about twice as fast from the second run on.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
// A checkout runs its TypeScript sources directly (Node strips the types), so an edit needs no build; an
// installed package ships only the built JavaScript in dist/.
const source = new URL('../src/cli/main.ts', import.meta.url);
const { runCli } = await import(existsSync(source) ? source.href : '../dist/cli/main.js');
process.exitCode = await runCli(process.argv);
