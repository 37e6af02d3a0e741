// `npm run build`: compiles src/ to dist/ (JavaScript, .d.ts, source maps with the sources inlined) and copies
// the files the code reads at run time (the screening model, the eval suites). npm runs it on `prepare`, so
// `npm ci`, `npm pack` and installing from a git checkout all build.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src');
const output = join(root, 'dist');

/** Every file under `folder` that the compiler does not handle: data the code opens by path. */
function* assetFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* assetFiles(path);
    else if (!/\.(ts|mts|cts|tsx)$/.test(entry.name)) yield path;
  }
}

// A stale file from an earlier build (a module since deleted) must not ship.
rmSync(output, { recursive: true, force: true });
const compiler = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [compiler, '-p', join(root, 'tsconfig.build.json')], {
  stdio: ['ignore', process.stderr, process.stderr],
});
if (compiled.status !== 0) {
  console.error('build: tsc failed; dist/ is incomplete.');
  process.exit(compiled.status ?? 1);
}
let copied = 0;
for (const file of assetFiles(source)) {
  const target = join(output, relative(source, file));
  cpSync(file, target);
  copied += 1;
}
console.error(`build: ${relative(root, output)}/ from ${relative(root, source)}/ (${copied} data files copied)`);
