// The Node.js heed needs, from package.json's "engines", checked before anything else loads: an older Node
// fails later with errors that do not say why (`Map.groupBy is not a function`, unknown file extension ".ts").
// Plain JavaScript that any Node parses, so the check itself runs everywhere.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const [, wantedMajor, wantedMinor] = /^>=\s*(\d+)\.(\d+)/.exec(engines) ?? [];

/** The one line to print when `version` is older than heed needs, or undefined when it is recent enough. */
export function nodeVersionProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  const wanted = [Number(wantedMajor), Number(wantedMinor)];
  if (major > wanted[0] || (major === wanted[0] && minor >= wanted[1])) return undefined;
  return (
    `heed needs Node.js >= ${wanted.join('.')} (this is ${version}): install Node 24 LTS from https://nodejs.org, ` +
    'or in a heed checkout run `. scripts/ensure-node.sh` to put it on PATH.'
  );
}

// `node bin/require-node.js` (npm's pretest): exit 1 with the line when Node is too old.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = nodeVersionProblem();
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
