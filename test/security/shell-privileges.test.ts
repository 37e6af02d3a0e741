// Guarantee: sandboxed commands never run with real root privileges and never leave setuid or setgid files. As root
// heed switches them to the workspace's owner (or nobody); as any other user, the user namespace maps them to that
// user. Either way: no_new_privs, /etc/shadow unreadable, the workspace mounted nosuid,nodev, and any set-id bit a
// command sets is cleared when it ends.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProbeResult, runPrivilegeProbe } from './fixtures/shell-probe.ts';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const probeScript = fileURLToPath(new URL('./fixtures/shell-probe.ts', import.meta.url));
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function workspace(owner?: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'heed-privileges-'));
  folders.push(folder);
  if (owner !== undefined) chownSync(folder, owner, owner);
  return folder;
}

function expectUnprivileged(result: ProbeResult, uid: number, options: { mayWrite: boolean }): void {
  expect(result.output).toContain(`uid=${uid} `);
  expect(result.output).not.toMatch(/uid=0 |SHADOW-READABLE/);
  expect(result.output).toMatch(/NoNewPrivs:\s+1/);
  const mount = result.output.split('\n').find((line) => line.includes(` ${result.workspace} `));
  expect(mount, result.output).toMatch(/\bnosuid\b/);
  expect(mount).toMatch(/\bnodev\b/);
  if (!options.mayWrite) {
    // nobody may not write in root's workspace at all.
    expect(result.output).toMatch(/Permission denied/);
    expect(result.plantedMode).toBeNull();
    return;
  }
  // The command did set the bits on its copy of sh; none is left on the host.
  expect(result.output).toMatch(/-rwsr-sr-x .* planted/);
  expect(result.plantedMode).toBe(0o755);
  expect(result.output).toMatch(/cleared the setuid\/setgid bits of 1 file\(s\): planted/);
}

describe.runIf(process.platform === 'linux')('shell commands never run as real root', () => {
  it.runIf(asRoot)('as root, with a workspace root owns: they run as nobody', async () => {
    expectUnprivileged(await runPrivilegeProbe(workspace()), 65_534, { mayWrite: false });
  });

  it.runIf(asRoot)('as root, with a workspace a user owns: they run as that user', async () => {
    expectUnprivileged(await runPrivilegeProbe(workspace(4321)), 4321, { mayWrite: true });
  });

  it.runIf(asRoot)('as a non-root user (nobody, dropped to with setpriv): mapped to that user', async () => {
    const { stdout } = await run(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, probeScript],
      { timeout: 60_000 },
    );
    const result = JSON.parse(stdout) as ProbeResult;
    // Inside its user namespace the command is "root" of nothing: uid 0 there is nobody here.
    expect(result.output).toContain('uid=0 ');
    expect(result.output).not.toContain('SHADOW-READABLE');
    expect(result.output).toMatch(/NoNewPrivs:\s+1/);
    expect(result.output.split('\n').find((line) => line.includes(` ${result.workspace} `))).toMatch(
      /nosuid.*nodev|nodev.*nosuid/,
    );
    expect(result.plantedMode).toBe(0o755);
  });

  it.runIf(!asRoot)('as this non-root user: mapped to it, unprivileged', async () => {
    const result = await runPrivilegeProbe(workspace());
    expect(result.output).not.toContain('SHADOW-READABLE');
    expect(result.output).toMatch(/NoNewPrivs:\s+1/);
    expect(result.plantedMode).toBe(0o755);
  });
});
