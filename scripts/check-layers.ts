// The layer rule of DESIGN.md ("Architecture"): a layer imports only the layers listed for it.
// Type-only imports count too: a type that points up is still a design that points up.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const allowedImports: Record<string, readonly string[]> = {
  core: [],
  charter: ['core'],
  authority: ['core', 'charter'],
  audit: ['core', 'charter', 'authority'],
  providers: ['core'],
  screening: ['core', 'charter', 'authority', 'audit', 'providers'],
  kernel: ['core', 'charter', 'authority', 'audit', 'screening', 'providers'],
  evals: ['core', 'charter', 'authority', 'audit', 'screening', 'providers', 'kernel'],
  adapters: ['core', 'charter', 'authority', 'audit', 'screening', 'providers', 'kernel'],
  server: ['core', 'charter', 'authority', 'audit', 'screening', 'providers', 'kernel', 'adapters'],
  lab: ['core', 'charter'],
  cli: [
    'core',
    'charter',
    'authority',
    'audit',
    'screening',
    'providers',
    'kernel',
    'evals',
    'adapters',
    'server',
    'lab',
  ],
};

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

export interface LayerViolation {
  file: string;
  specifier: string;
  message: string;
}

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield path;
  }
}

export function checkLayers(sourceRoot: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const file of sourceFiles(sourceRoot)) {
    const fromLayer = relative(sourceRoot, file).split(sep)[0] ?? '';
    // The package entry (src/index.ts) sits above the layers and re-exports them; only the CLI stays out of it.
    const isPackageEntry = !relative(sourceRoot, file).includes(sep);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? '';
      if (!specifier.startsWith('.')) continue;
      const target = relative(sourceRoot, resolve(dirname(file), specifier));
      if (target.startsWith('..')) {
        violations.push({ file, specifier, message: 'imports from outside src/' });
        continue;
      }
      const toLayer = target.split(sep)[0] ?? '';
      if (isPackageEntry) {
        if (toLayer === 'cli')
          violations.push({ file, specifier, message: 'the package entry may not import the CLI' });
        continue;
      }
      if (!target.includes(sep) || toLayer === fromLayer) continue;
      const allowed = allowedImports[fromLayer];
      if (allowed === undefined) {
        violations.push({ file, specifier, message: `src/${fromLayer} is not a layer of DESIGN.md` });
      } else if (!allowed.includes(toLayer)) {
        const permitted = allowed.length > 0 ? allowed.join(', ') : 'no other layer';
        violations.push({
          file,
          specifier,
          message: `${fromLayer} -> ${toLayer}: src/${fromLayer} may import ${permitted}`,
        });
      }
    }
  }
  return violations;
}

if (import.meta.main) {
  const violations = checkLayers(resolve(process.argv[2] ?? 'src'));
  for (const violation of violations) {
    console.error(`${violation.file}: import '${violation.specifier}' breaks the layer rule (${violation.message})`);
  }
  if (violations.length > 0) process.exit(1);
  console.log('layers: ok');
}
