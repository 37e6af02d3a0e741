import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ControlPlaneLocations {
  charterFile?: string;
  keysFolder?: string;
  stateFolder?: string;
  /** The sqlite database; its -wal, -shm and -journal companions are protected with it. */
  databaseFile?: string;
  /** Where heed is installed; its code in there is protected (heedCodePaths). Defaults to the one running. */
  installFolder?: string;
  /** Any other files and folders heed knows of: key files given on the command line, the agent key, the anchor. */
  others?: readonly string[];
}

/**
 * What in heed's install folder is code that enforces the charter or runs with it: the package manifest, the
 * sources and the built JavaScript, its dependencies, the Node that `.tools/` may hold, and git's hooks. The rest
 * of a checkout (a workspace made beside the sources, say) is not, so an agent can work in a checkout's
 * folder as in any other.
 */
export const heedCodeEntries = ['package.json', 'bin', 'dist', 'src', 'node_modules', '.tools', '.git'] as const;

export function heedCodePaths(installFolder: string): string[] {
  return heedCodeEntries.map((entry) => join(resolve(installFolder), entry));
}

/** The folder holding heed's package.json: the code that enforces the charter must not be rewritten by a tool. */
export function heedInstallFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) return dirname(fileURLToPath(import.meta.url));
    folder = parent;
  }
  return folder;
}

/** The protected paths for a ControlPlaneGuard, from where heed keeps its charter, keys and state. */
export function controlPlanePaths(locations: ControlPlaneLocations): string[] {
  const paths: string[] = [];
  if (locations.charterFile) paths.push(resolve(locations.charterFile));
  if (locations.keysFolder) paths.push(resolve(locations.keysFolder));
  if (locations.stateFolder) paths.push(resolve(locations.stateFolder));
  if (locations.databaseFile) {
    const database = resolve(locations.databaseFile);
    paths.push(database, `${database}-wal`, `${database}-shm`, `${database}-journal`);
  }
  for (const other of locations.others ?? []) paths.push(resolve(other));
  paths.push(...heedCodePaths(locations.installFolder ?? heedInstallFolder()));
  return [...new Set(paths)];
}
