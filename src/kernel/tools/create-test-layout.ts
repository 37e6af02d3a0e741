import { chownSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlaneGuard } from './control-plane-guard.ts';
import { controlPlanePaths } from './control-plane-paths.ts';

/** A real folder tree under the system temporary folder: a workspace beside heed's control plane. */
export interface TestLayout {
  root: string;
  workspace: string;
  outside: string;
  charterFile: string;
  keysFolder: string;
  keyFile: string;
  stateFolder: string;
  databaseFile: string;
  installFolder: string;
  guard: ControlPlaneGuard;
  remove(): void;
}

export function createTestLayout(options: { controlPort?: number } = {}): TestLayout {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'heed-tools-')));
  const workspace = join(root, 'workspace');
  const outside = join(root, 'outside');
  const control = join(root, 'control');
  const keysFolder = join(control, 'keys');
  const stateFolder = join(control, '.heed');
  const installFolder = join(root, 'install');
  for (const folder of [workspace, outside, keysFolder, stateFolder, installFolder]) {
    mkdirSync(folder, { recursive: true });
  }
  const charterFile = join(control, 'charter.yaml');
  const keyFile = join(keysFolder, 'owner.key');
  const databaseFile = join(stateFolder, 'heed.db');
  writeFileSync(charterFile, 'agent: test-agent\n');
  writeFileSync(keyFile, 'PRIVATE-KEY-MATERIAL\n');
  writeFileSync(databaseFile, 'DATABASE-CONTENT\n');
  writeFileSync(join(installFolder, 'package.json'), '{"name":"heed"}\n');
  writeFileSync(join(outside, 'secret.txt'), 'OUTSIDE-SECRET\n');
  // As an operator running heed as root would: the workspace belongs to an unprivileged user, whom shell commands
  // then run as (they never run as root).
  if (process.getuid?.() === 0) chownSync(workspace, 65_534, 65_534);
  const guard = new ControlPlaneGuard({
    protectedPaths: controlPlanePaths({ charterFile, keysFolder, stateFolder, databaseFile, installFolder }),
    ...(options.controlPort === undefined ? {} : { controlEndpoint: { host: '127.0.0.1', port: options.controlPort } }),
  });
  return {
    root,
    workspace,
    outside,
    charterFile,
    keysFolder,
    keyFile,
    stateFolder,
    databaseFile,
    installFolder,
    guard,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
