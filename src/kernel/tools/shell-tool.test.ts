import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCharter } from '../../charter/load-charter.ts';
import { forceKillProcessGroup } from '../force-kill-process-group.ts';
import { decideToolCall } from '../policy/decide-tool-call.ts';
import { isProcessGroupAlive, killProcessGroup } from '../process/kill-process-group.ts';
import type { Tool } from '../tool.ts';
import { ControlPlaneGuard } from './control-plane-guard.ts';
import { createBuiltinTools } from './create-builtin-tools.ts';
import { createTestLayout, type TestLayout } from './create-test-layout.ts';
import { ShellSandbox } from './shell-sandbox.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { validateToolInput } from './validate-tool-input.ts';

let layout: TestLayout;
let shell: Tool;
let readFile: Tool;
let server: Server;
let connections = 0;
let sentinel: ChildProcess;

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  layout = createTestLayout({ controlPort: address.port });
  process.env.HEED_API_KEY = 'sk-heed-secret';
  process.env.OPENAI_API_KEY = 'sk-openai-secret';
  const tools = await createBuiltinTools({
    workspace: layout.workspace,
    guard: layout.guard,
    shell: { killGraceMilliseconds: 500 },
  });
  shell = tools.find((tool) => tool.name === 'shell')!;
  readFile = tools.find((tool) => tool.name === 'read_file')!;
  sentinel = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
});

afterAll(() => {
  sentinel.kill('SIGKILL');
  server.close();
  layout.remove();
  delete process.env.HEED_API_KEY;
  delete process.env.OPENAI_API_KEY;
});

function context(signal = new AbortController().signal, groups?: number[]) {
  return { signal, registerProcessGroup: (pgid: number) => groups?.push(pgid) };
}

const run = (command: string) => shell.run({ command }, context());
const protectedContents = () =>
  [layout.charterFile, layout.keyFile, layout.databaseFile].map((path) => readFileSync(path, 'utf8'));

/** Processes (not zombies) whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) found.push(Number(name));
    } catch {}
  }
  return found;
}

/** A sleep length no other process uses, to find a command's processes by their command line. */
function uniqueDuration(): string {
  return `${1000 + Math.floor(Math.random() * 8000)}.${process.pid}`;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  // Generous: the machine running the tests may be busy; this bounds a wait, it measures nothing.
  for (let attempt = 0; attempt < 1500; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.runIf(process.platform === 'linux')('shell tool', () => {
  it('runs in the workspace with a scrubbed environment and reports the exit status', async () => {
    const output = await run('echo hello > out.txt; cat out.txt; pwd; env; exit 3');
    expect(output).toContain('hello');
    expect(output).toContain(`HOME=${layout.workspace}`);
    expect(output).toContain('TERM=dumb');
    expect(output).not.toMatch(/HEED_|API_KEY|sk-/);
    expect(output).toMatch(/\[exit status 3\]$/);
    expect(readFileSync(join(layout.workspace, 'out.txt'), 'utf8')).toBe('hello\n');
  });

  it('cannot read or write the charter, keys or state, whatever path it uses', async () => {
    const before = protectedContents();
    const attempts = [
      `cat ${layout.charterFile}`,
      'cat ../control/.heed/heed.db',
      `cat ${layout.keyFile}; ls -la ${layout.keysFolder}`,
      `cat /proc/1/root${layout.charterFile}`,
      `cat /proc/${process.pid}/root${layout.charterFile}`,
      `echo pwned >> ${layout.charterFile}`,
      `rm -rf ${join(layout.root, 'control')}`,
      `ln -s ${layout.charterFile} charter-link; cat charter-link`,
      `ln ${layout.keyFile} key-link; cat key-link`,
      'umount /usr; mount -t tmpfs none /usr; echo 1 > /proc/sysrq-trigger',
      'unshare --user --mount true || echo no-new-namespaces',
    ];
    const output = (await Promise.all(attempts.map(run))).join('\n');
    expect(output).not.toContain('agent: test-agent');
    expect(output).not.toContain('PRIVATE-KEY-MATERIAL');
    expect(output).not.toContain('DATABASE-CONTENT');
    expect(output).toContain('no-new-namespaces');
    expect(protectedContents()).toEqual(before);
    // The link the command made points at the charter: the file tools refuse it too.
    await expect(readFile.run({ path: 'charter-link' }, context())).rejects.toThrow(ToolRefusedError);
  });

  it('hides hard links in the workspace to control-plane files, and refuses a workspace holding control-plane paths', async () => {
    const inner = createTestLayout();
    try {
      linkSync(inner.keyFile, join(inner.workspace, 'copied.key'));
      const guard = new ControlPlaneGuard({ protectedPaths: [inner.keysFolder] });
      const tools = await createBuiltinTools({ workspace: inner.workspace, guard, shell: true });
      const innerShell = tools.find((tool) => tool.name === 'shell')!;
      const output = await innerShell.run({ command: 'cat copied.key; rm -f copied.key; ls' }, context());
      expect(output).not.toMatch(/PRIVATE-KEY-MATERIAL/);
      expect(readFileSync(inner.keyFile, 'utf8')).toContain('PRIVATE-KEY-MATERIAL');
      const stateFolder = join(inner.workspace, '.heed');
      mkdirSync(stateFolder);
      writeFileSync(join(stateFolder, 'heed.db'), 'INNER-DATABASE');
      const nested = new ControlPlaneGuard({ protectedPaths: [stateFolder, inner.keysFolder] });
      await expect(createBuiltinTools({ workspace: inner.workspace, guard: nested, shell: true })).rejects.toThrow(
        /contains heed's control-plane path '.*\.heed'/,
      );
    } finally {
      inner.remove();
    }
  });

  it('cannot reach the control endpoint over any route', async () => {
    const port = layout.guard.controlEndpoint!.port;
    const attempts = [
      `curl -s --max-time 3 http://127.0.0.1:${port}/ || echo curl-failed`,
      `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}' || echo tcp-failed`,
      `node -e "fetch('http://127.0.0.1:${port}/').then(() => console.log('reached'), (error) => console.log('fetch-failed', error.cause?.code))"`,
    ];
    const output = (await Promise.all(attempts.map(run))).join('\n');
    expect(output).toContain('curl-failed');
    expect(output).toContain('tcp-failed');
    expect(output).toContain('fetch-failed');
    expect(output).not.toContain('reached');
    // The listener is real and reachable from outside the sandbox: the count would show a leak.
    const probe = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    expect(probe).toBeUndefined();
    expect(connections).toBe(1);
  });

  it('cannot signal heed or any process outside', async () => {
    const output = await run(
      `kill -9 ${process.pid} ${sentinel.pid}; pkill node; pkill -9 -f 'set[I]nterval'; echo done`,
    );
    expect(output).toContain('done');
    expect(sentinel.exitCode).toBeNull();
    expect(() => process.kill(sentinel.pid!, 0)).not.toThrow();
  });

  it('truncates 100 MB of output with a marker saying how much was cut', async () => {
    const output = await run("head -c 104857600 /dev/zero | tr '\\0' a");
    expect(Buffer.byteLength(output)).toBeLessThan(70 * 1024);
    expect(output).toContain('[heed: output truncated: 104792064 of 104857600 bytes cut, 65536 shown]');
  });

  it('kills a command when its signal aborts, with its detached grandchildren', async () => {
    const groups: number[] = [];
    const controller = new AbortController();
    const marker = uniqueDuration();
    const running = shell.run(
      { command: `setsid sleep ${marker} & sleep ${marker}` },
      context(controller.signal, groups),
    );
    await until(() => processesWith(`sleep\0${marker}`).length === 2, 'the command to start');
    controller.abort(new Error('stop order'));
    await expect(running).rejects.toThrow('stop order');
    const [pgid] = groups;
    await until(() => !isProcessGroupAlive(pgid!), 'the process group to die');
    await until(() => processesWith(`sleep\0${marker}`).length === 0, 'the detached grandchild to die');
  });

  it('kills a command that ignores SIGTERM once the grace runs out', async () => {
    const groups: number[] = [];
    const controller = new AbortController();
    const marker = uniqueDuration();
    const running = shell.run(
      { command: `trap '' TERM; setsid sleep ${marker} & sleep ${marker} & wait` },
      context(controller.signal, groups),
    );
    await until(() => processesWith(`sleep\0${marker}`).length === 2, 'the command to start');
    controller.abort(new Error('stop order'));
    await expect(running).rejects.toThrow('stop order');
    // What the kernel does with a registered group after a stop: SIGTERM, then SIGKILL once the grace is over.
    expect(groups).toHaveLength(1);
    killProcessGroup(groups[0]!, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await forceKillProcessGroup(groups[0]!)).gone).toBe(true);
    await until(() => processesWith(`sleep\0${marker}`).length === 0, 'every process of the command to die');
  });

  it('leaves nothing running after a command ends normally', async () => {
    const marker = uniqueDuration();
    expect(await run(`setsid sleep ${marker} & echo started`)).toContain('started');
    await until(() => processesWith(`sleep\0${marker}`).length === 0, 'the background process to die with the command');
  });

  it('kills commands still running when heed exits', async () => {
    const marker = uniqueDuration();
    const script = `
      import { createBuiltinTools } from ${JSON.stringify(new URL('./create-builtin-tools.ts', import.meta.url).href)};
      import { ControlPlaneGuard } from ${JSON.stringify(new URL('./control-plane-guard.ts', import.meta.url).href)};
      const guard = new ControlPlaneGuard({ protectedPaths: [${JSON.stringify(layout.keysFolder)}] });
      const tools = await createBuiltinTools({ workspace: ${JSON.stringify(layout.workspace)}, guard, shell: true });
      const shell = tools.find((tool) => tool.name === 'shell');
      void shell.run({ command: 'sleep ${marker}' }, { signal: new AbortController().signal, registerProcessGroup: () => {} });
      process.stdin.once('data', () => process.exit(0));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    await until(() => processesWith(`sleep\0${marker}`).length === 1, 'the command to start');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.write('exit\n');
    await exited;
    await until(() => processesWith(`sleep\0${marker}`).length === 0, 'the command to die with heed');
  });

  it('says what each command does, so the policy decides on the effect, not on the tool', async () => {
    const charter = parseCharter({
      agent: 'a',
      target: 'if-ranked',
      principals: [{ id: 'alice', key: `ed25519:${'A'.repeat(43)}`, roles: ['owner'] }],
    });
    const decide = async (command: string) =>
      decideToolCall(charter, shell, { assessment: await shell.assess!({ command }) }).decision;
    writeFileSync(join(layout.workspace, 'kept.txt'), 'x');
    // A delete by find, an overwrite, a command that cannot be classified: checks. Listing, an append: allowed.
    expect(await decide('find backups -delete')).toBe('check');
    expect(await decide('echo x > kept.txt')).toBe('check');
    expect(await decide('python3 -c "print(1)"')).toBe('check');
    expect(await decide('ls -la && echo x >> new.txt')).toBe('allow');
    expect(await decide(`cat ${layout.charterFile}`)).toBe('deny');
  });

  it('rejects bad input before anything runs', async () => {
    await expect(shell.run({ command: 'touch made\0here' }, context())).rejects.toThrow(/NUL byte/);
    expect(existsSync(join(layout.workspace, 'made'))).toBe(false);
    for (const input of [{}, { command: '' }, { command: 'true', timeoutSeconds: 0 }, { command: 'true', extra: 1 }]) {
      expect(validateToolInput(shell, input).valid, JSON.stringify(input)).toBe(false);
    }
  });

  it('times out a command on its own', async () => {
    const output = await shell.run({ command: 'sleep 30', timeoutSeconds: 1 }, context());
    expect(output).toContain('killed after the 1 s timeout');
  });
});

describe.runIf(process.platform === 'linux')('shell isolation fails closed', () => {
  async function shellWith(unshareScript: string): Promise<Tool> {
    const fakeFolder = join(layout.root, `fake-${Math.random().toString(36).slice(2)}`);
    mkdirSync(fakeFolder);
    writeFileSync(join(fakeFolder, 'unshare'), `#!/bin/sh\n${unshareScript}\n`, { mode: 0o755 });
    symlinkSync('/usr/bin/setpriv', join(fakeFolder, 'setpriv'));
    const tools = await createBuiltinTools({
      workspace: layout.workspace,
      guard: layout.guard,
      shell: { path: `${fakeFolder}:/usr/bin:/bin` },
    });
    return tools.find((tool) => tool.name === 'shell')!;
  }

  it('refuses every command when namespaces cannot be made, saying how to enable them', async () => {
    const broken = await shellWith('echo "unshare: unshare failed: Operation not permitted" >&2; exit 1');
    const call = broken.run({ command: 'touch ran-unisolated' }, context());
    await expect(call).rejects.toThrow(ToolRefusedError);
    await expect(call).rejects.toThrow(/Operation not permitted.*unshare.*setpriv/s);
    expect(existsSync(join(layout.workspace, 'ran-unisolated'))).toBe(false);
  });

  it('refuses when a trial run shows the sandbox did not isolate', async () => {
    // An unshare that ignores its options and runs the command as it is: capabilities and network stay.
    const leaky = await shellWith('while [ "$1" != "--" ]; do shift; done; shift 8; exec /bin/sh -c "$1"');
    await expect(leaky.run({ command: 'true' }, context())).rejects.toThrow(/kept capabilities|could see the network/);
  });

  it('refuses when a missing control-plane path could only be hidden by hiding the workspace', async () => {
    // The workspace refuses such a path first; the sandbox's own check stays as a second line.
    const guard = new ControlPlaneGuard({ protectedPaths: [join(layout.workspace, 'heed.db-wal')] });
    await expect(createBuiltinTools({ workspace: layout.workspace, guard, shell: true })).rejects.toThrow(
      /contains heed's control-plane path/,
    );
    const isolation = await ShellSandbox.detect({ workspace: layout.workspace, guard });
    expect(isolation).toMatchObject({
      available: false,
      reason: expect.stringMatching(/cannot hide the control-plane path/),
    });
  });
});
