// `npm run build`: compiles src/ to dist/ (JavaScript, .d.ts, source maps with the sources inlined) and copies
// the files the code reads at run time (the screening model, the eval suites). npm runs it on `prepare`, so
// `npm ci`, `npm pack` and installing from a git checkout all build. `--out DIR` builds elsewhere (the tests do).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src');
const output = resolve(parseArgs({ options: { out: { type: 'string' } } }).values.out ?? join(root, 'dist'));

/** Every file under `folder` that the compiler does not handle: data the code opens by path. */
function* assetFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* assetFiles(path);
    else if (!/\.(ts|mts|cts|tsx)$/.test(entry.name)) yield path;
  }
}

// The output is emptied first, so only a folder that is a build (dist/, or one with the marker a build leaves) or
// a new or empty one may be given: never a folder that holds other files, such as the checkout or /tmp.
const marker = '.heed-build';
const existing = statSync(output, { throwIfNoEntry: false });
const isOwnBuild =
  output === join(root, 'dist') ||
  existsSync(join(output, marker)) ||
  (existing?.isDirectory() && readdirSync(output).length === 0);
if (existing !== undefined && !isOwnBuild) {
  console.error(`build: --out ${output} already holds files that are not a build of heed; give a new or empty folder.`);
  process.exit(2);
}
// A stale file from an earlier build (a module since deleted) must not ship.
rmSync(output, { recursive: true, force: true });
const compiler = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [compiler, '-p', join(root, 'tsconfig.build.json'), '--outDir', output], {
  stdio: ['ignore', process.stderr, process.stderr],
});
if (compiled.status !== 0) {
  console.error('build: tsc failed; dist/ is incomplete.');
  process.exit(compiled.status ?? 1);
}
if (output !== join(root, 'dist')) {
  writeFileSync(join(output, marker), 'Built by scripts/build.ts; the next build empties this folder.\n');
}
let copied = 0;
for (const file of assetFiles(source)) {
  const target = join(output, relative(source, file));
  cpSync(file, target);
  copied += 1;
}
console.error(`build: ${relative(root, output)}/ from ${relative(root, source)}/ (${copied} data files copied)`);
