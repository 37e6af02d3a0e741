import { closeSync, linkSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { ControlPlaneGuard } from './control-plane-guard.ts';
import { controlPlanePaths, heedInstallFolder } from './control-plane-paths.ts';
import { createTestLayout, type TestLayout } from './create-test-layout.ts';

let layout: TestLayout;
beforeEach(() => {
  layout = createTestLayout({ controlPort: 47_123 });
});
afterEach(() => layout.remove());

async function refused(path: string, base?: string): Promise<string> {
  const decision = layout.guard.checkPath(path, base);
  if (decision.allowed) throw new Error(`expected '${path}' to be refused, it was allowed as '${decision.path}'`);
  return decision.reason;
}

describe('ControlPlaneGuard paths', () => {
  it('allows ordinary paths and returns their physical form', async () => {
    mkdirSync(join(layout.workspace, 'notes'));
    const decision = layout.guard.checkPath('notes/../todo.txt', layout.workspace);
    expect(decision).toEqual({ allowed: true, path: join(layout.workspace, 'todo.txt') });
    expect(layout.guard.checkPath(join(layout.outside, 'secret.txt')).allowed).toBe(true);
  });

  it('refuses every protected path, whatever its spelling', async () => {
    expect(await refused(layout.charterFile)).toContain('control-plane path');
    expect(await refused(layout.keysFolder)).toContain(layout.keysFolder);
    expect(await refused(`${layout.keysFolder}/`)).toContain('control-plane');
    expect(await refused(`${layout.keysFolder}//./owner.key`)).toContain('control-plane');
    expect(await refused('../control/keys/owner.key', layout.workspace)).toContain('control-plane');
    expect(await refused(`${layout.workspace}/../control/charter.yaml`)).toContain('control-plane');
    expect(await refused(`${layout.databaseFile}-wal`)).toContain('control-plane');
    expect(await refused(join(layout.installFolder, 'src', 'index.ts'))).toContain('control-plane');
  });

  it('refuses /proc/self/root, /dev/fd and other /proc process entries', async () => {
    expect(await refused(`/proc/self/root${layout.charterFile}`)).toContain('control-plane');
    expect(await refused(`/proc/${process.pid}/root${layout.keyFile}`)).toContain('control-plane');
    const descriptor = openSync(layout.databaseFile, 'r');
    try {
      expect(await refused(`/dev/fd/${descriptor}`)).toContain('control-plane');
      expect(await refused(`/proc/self/fd/${descriptor}`)).toContain('control-plane');
    } finally {
      closeSync(descriptor);
    }
    expect(await refused('/proc/self/mem')).toContain('/proc');
    expect(await refused('/proc/self/environ')).toContain('/proc');
  });

  it('refuses symbolic links to protected paths, at any component', async () => {
    symlinkSync(layout.charterFile, join(layout.workspace, 'charter-link'));
    symlinkSync(join(layout.root, 'control'), join(layout.workspace, 'control-link'));
    symlinkSync('../control/keys', join(layout.workspace, 'relative-keys'));
    expect(await refused(join(layout.workspace, 'charter-link'))).toContain('control-plane');
    expect(await refused(join(layout.workspace, 'control-link', '.heed', 'heed.db'))).toContain('control-plane');
    expect(await refused('relative-keys/owner.key', layout.workspace)).toContain('control-plane');
    // `..` after a link climbs from the link's target, as the kernel does.
    mkdirSync(join(layout.root, 'control', 'deep'));
    symlinkSync(join(layout.root, 'control', 'deep'), join(layout.workspace, 'deep-link'));
    expect(await refused('deep-link/../charter.yaml', layout.workspace)).toContain('control-plane');
  });

  it('judges the link itself when told not to follow the final component', async () => {
    symlinkSync(layout.charterFile, join(layout.workspace, 'charter-link'));
    const decision = layout.guard.checkPath('charter-link', layout.workspace, { followFinal: false });
    expect(decision).toEqual({ allowed: true, path: join(layout.workspace, 'charter-link') });
  });

  it('refuses a hard link to a protected file by its inode', async () => {
    linkSync(layout.keyFile, join(layout.workspace, 'innocent.txt'));
    expect(await refused(join(layout.workspace, 'innocent.txt'))).toContain('hard link');
    const entries = layout.guard.protectedEntries();
    expect(entries.find((entry) => entry.path === layout.keyFile)).toBeUndefined();
    expect(entries.find((entry) => entry.path === layout.keysFolder)?.directory).toBe(true);
  });

  it('refuses a path through a missing folder and back up, and link loops', async () => {
    expect(await refused(`${layout.workspace}/missing/../../control/charter.yaml`)).toContain('does not exist');
    symlinkSync('loop-b', join(layout.workspace, 'loop-a'));
    symlinkSync('loop-a', join(layout.workspace, 'loop-b'));
    expect(await refused(join(layout.workspace, 'loop-a'))).toContain('too many symbolic links');
    expect(await refused(`${layout.workspace}/a\0b`)).toContain('NUL');
  });

  it('rejects a relative protected path or a bad port at construction', () => {
    expect(() => new ControlPlaneGuard({ protectedPaths: ['relative/charter.yaml'] })).toThrow(InvalidInputError);
    expect(
      () => new ControlPlaneGuard({ protectedPaths: [], controlEndpoint: { host: '127.0.0.1', port: 70_000 } }),
    ).toThrow(/port 70000/);
  });

  it("lists the database companions and heed's code among the control-plane paths", () => {
    const paths = controlPlanePaths({ databaseFile: '/state/heed.db' });
    const install = heedInstallFolder();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/state/heed.db',
        '/state/heed.db-wal',
        '/state/heed.db-shm',
        join(install, 'package.json'),
        join(install, 'src'),
        join(install, 'dist'),
        join(install, 'bin'),
        join(install, 'node_modules'),
      ]),
    );
  });

  it("lets a workspace sit in heed's install folder beside its code, which stays out of reach", async () => {
    for (const entry of ['src', 'dist', 'bin', 'node_modules', '.tools', '.git']) {
      mkdirSync(join(layout.installFolder, entry), { recursive: true });
    }
    const workspace = join(layout.installFolder, 'workspace');
    mkdirSync(workspace);
    expect(layout.guard.checkPath(join(workspace, 'notes.txt')).allowed).toBe(true);
    for (const path of [
      '../package.json',
      '../src/cli/main.ts',
      '../dist/index.js',
      '../bin/heed.js',
      '../node_modules/x',
      '../.tools/node',
      '../.git/hooks/pre-commit',
    ]) {
      expect(await refused(path, workspace), path).toContain('control-plane');
    }
  });
});

describe('ControlPlaneGuard addresses', () => {
  it('refuses every local spelling of the control endpoint', async () => {
    for (const host of ['127.0.0.1', 'localhost', '127.0.0.2', '[::1]', '::ffff:127.0.0.1', '0.0.0.0']) {
      const decision = await layout.guard.checkAddress(host, 47_123);
      expect(decision.allowed, host).toBe(false);
    }
  });

  it('allows other ports and other machines', async () => {
    expect((await layout.guard.checkAddress('127.0.0.1', 47_124)).allowed).toBe(true);
    expect((await layout.guard.checkAddress('203.0.113.5', 47_123)).allowed).toBe(true);
  });

  it('refuses a name it cannot resolve rather than guessing', async () => {
    const decision = await layout.guard.checkAddress('no-such-host.invalid', 47_123);
    expect(decision.allowed).toBe(false);
  });
});
