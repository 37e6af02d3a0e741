// What an install put on disk: bytes (the sum of file sizes), packages, and the packages that run a build at
// install time (preinstall/install/postinstall scripts, or a binding.gyp that npm builds with node-gyp).
// `node scripts/measure-install.ts FOLDER/node_modules` prints it as JSON; the package bench and the consumer
// test use it.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstallMeasure {
  bytes: number;
  packages: number;
  /** `name@version (script: command)` for every package that builds when installed. */
  installScripts: string[];
}

const installScriptNames = ['preinstall', 'install', 'postinstall'];

export function measureInstall(nodeModules: string): InstallMeasure {
  const measure: InstallMeasure = { bytes: 0, packages: 0, installScripts: [] };
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) measure.bytes += lstatSync(path).size;
    }
  };
  visit(nodeModules);
  for (const folder of packageFolders(nodeModules)) {
    measure.packages += 1;
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
      scripts?: Record<string, string>;
    };
    const label = `${manifest.name}@${manifest.version}`;
    for (const script of installScriptNames) {
      const command = manifest.scripts?.[script];
      if (command !== undefined) measure.installScripts.push(`${label} (${script}: ${command})`);
    }
    const hasGyp = readdirSync(folder).includes('binding.gyp');
    if (hasGyp && manifest.scripts?.install === undefined && manifest.scripts?.preinstall === undefined) {
      measure.installScripts.push(`${label} (binding.gyp: node-gyp rebuild)`);
    }
  }
  return measure;
}

/** Every installed package's folder, nested node_modules and scopes included. */
function* packageFolders(nodeModules: string): Generator<string> {
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(path, { withFileTypes: true })) {
        if (scoped.isDirectory()) yield* packageFolder(join(path, scoped.name));
      }
    } else yield* packageFolder(path);
  }
}

function* packageFolder(folder: string): Generator<string> {
  yield folder;
  const nested = join(folder, 'node_modules');
  if (lstatSync(nested, { throwIfNoEntry: false })?.isDirectory()) yield* packageFolders(nested);
}

if (import.meta.main) {
  const folder = process.argv[2];
  if (folder === undefined) {
    console.error('usage: node scripts/measure-install.ts FOLDER/node_modules');
    process.exit(2);
  }
  console.log(JSON.stringify(measureInstall(folder)));
}
