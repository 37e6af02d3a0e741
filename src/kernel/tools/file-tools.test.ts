import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { Tool } from '../tool.ts';
import { createBuiltinTools } from './create-builtin-tools.ts';
import { createTestLayout, type TestLayout } from './create-test-layout.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { validateToolInput } from './validate-tool-input.ts';

let layout: TestLayout;
let tools: Map<string, Tool>;

beforeEach(async () => {
  layout = createTestLayout();
  tools = new Map(
    (await createBuiltinTools({ workspace: layout.workspace, guard: layout.guard })).map((tool) => [tool.name, tool]),
  );
});
afterEach(() => layout.remove());

function call(name: string, input: Record<string, unknown>, signal = new AbortController().signal): Promise<string> {
  const tool = tools.get(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const validation = validateToolInput(tool, input);
  if (!validation.valid) throw new Error(validation.message);
  return tool.run(validation.input, { signal, registerProcessGroup: () => {} });
}

const protectedFiles = () => [layout.charterFile, layout.keyFile, layout.databaseFile];
const snapshot = () => protectedFiles().map((path) => readFileSync(path, 'utf8'));

describe('workspace file tools', () => {
  it('write, read, append, list and delete inside the workspace', async () => {
    expect(await call('write_file', { path: 'notes/today.md', content: 'first\n' })).toContain('wrote 6 bytes');
    await call('write_file', { path: 'notes/today.md', content: 'second\n', append: true });
    expect(await call('read_file', { path: 'notes/today.md' })).toBe('first\nsecond\n');
    expect(await call('read_file', { path: 'notes/today.md', offset: 6, limit: 3 })).toContain('sec');
    expect(await call('list_files', {})).toBe('notes/');
    expect(await call('list_files', { recursive: true })).toBe('notes/\nnotes/today.md (13 bytes)');
    expect(await call('delete_file', { path: 'notes/today.md' })).toContain('deleted');
    expect(await call('delete_file', { path: 'notes' })).toContain('empty folder');
    expect(await call('list_files', { path: '.' })).toContain('is empty');
  });

  it('follows links that stay inside the workspace, and deletes a link without touching its target', async () => {
    writeFileSync(join(layout.workspace, 'real.txt'), 'real content');
    symlinkSync('real.txt', join(layout.workspace, 'alias.txt'));
    expect(await call('read_file', { path: 'alias.txt' })).toBe('real content');
    await call('write_file', { path: 'alias.txt', content: 'changed' });
    expect(readFileSync(join(layout.workspace, 'real.txt'), 'utf8')).toBe('changed');
    expect(await call('list_files', {})).toContain('alias.txt -> real.txt');
    await call('delete_file', { path: 'alias.txt' });
    expect(existsSync(join(layout.workspace, 'real.txt'))).toBe(true);
  });

  it('truncates a 100 MB file with a marker saying how much was cut', async () => {
    const big = join(layout.workspace, 'big.log');
    writeFileSync(big, 'x'.repeat(1024));
    truncateSync(big, 100 * 1024 * 1024);
    writeFileSync(join(layout.workspace, 'text.log'), 'line\n'.repeat(30_000));
    const text = await call('read_file', { path: 'text.log' });
    expect(Buffer.byteLength(text)).toBeLessThan(66 * 1024);
    expect(text).toContain('[heed: output truncated: 84464 of 150000 bytes cut, 65536 shown]');
    expect(text).toContain('offset 65536');
    expect(await call('read_file', { path: 'big.log' })).toContain('binary file of 104857600 bytes');
  });

  it('reports ordinary failures as ToolFailedError', async () => {
    await expect(call('read_file', { path: 'missing.txt' })).rejects.toThrow(ToolFailedError);
    mkdirSync(join(layout.workspace, 'folder'));
    writeFileSync(join(layout.workspace, 'folder', 'inside.txt'), 'x');
    await expect(call('read_file', { path: 'folder' })).rejects.toThrow(/is a folder/);
    await expect(call('delete_file', { path: 'folder' })).rejects.toThrow(/not empty/);
    await expect(call('list_files', { path: 'folder/inside.txt' })).rejects.toThrow(ToolFailedError);
    await expect(call('delete_file', { path: '.' })).rejects.toThrow(ToolRefusedError);
  });

  it('honours an aborted signal before doing anything', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(call('write_file', { path: 'a.txt', content: 'x' }, controller.signal)).rejects.toThrow('stopped');
    expect(existsSync(join(layout.workspace, 'a.txt'))).toBe(false);
  });
});

describe('escapes and control-plane paths are refused by every tool', () => {
  const attempts: { label: string; path: (layout: TestLayout) => string; setup?: (layout: TestLayout) => void }[] = [
    { label: 'parent traversal', path: () => '../outside/secret.txt' },
    { label: 'absolute path outside', path: (l) => join(l.outside, 'secret.txt') },
    { label: 'absolute path to the charter', path: (l) => l.charterFile },
    { label: 'traversal to a key', path: () => '../control/keys/owner.key' },
    { label: '/proc/self/root', path: (l) => `/proc/self/root${l.outside}/secret.txt` },
    { label: '/proc/self/root to the database', path: (l) => `/proc/self/root${l.databaseFile}` },
    {
      label: 'symlink to outside',
      path: () => 'out-link/secret.txt',
      setup: (l) => symlinkSync(l.outside, join(l.workspace, 'out-link')),
    },
    {
      label: 'symlink to the charter inside the workspace',
      path: () => 'charter.yaml',
      setup: (l) => symlinkSync(l.charterFile, join(l.workspace, 'charter.yaml')),
    },
    {
      label: 'hard link to a key file',
      path: () => 'owner.key',
      setup: (l) => linkSync(l.keyFile, join(l.workspace, 'owner.key')),
    },
  ];

  for (const attempt of attempts) {
    it(attempt.label, async () => {
      attempt.setup?.(layout);
      const before = snapshot();
      const secret = readFileSync(join(layout.outside, 'secret.txt'), 'utf8');
      const path = attempt.path(layout);
      await expect(call('read_file', { path })).rejects.toThrow(ToolRefusedError);
      await expect(call('write_file', { path, content: 'pwned' })).rejects.toThrow(ToolRefusedError);
      await expect(call('write_file', { path, content: 'pwned', append: true })).rejects.toThrow(ToolRefusedError);
      await expect(call('list_files', { path })).rejects.toThrow(ToolRefusedError);
      // delete_file judges a final link itself, so deleting an in-workspace link is allowed; anything else is refused.
      const isLink = attempt.label.startsWith('symlink to the charter');
      if (isLink) await call('delete_file', { path });
      else await expect(call('delete_file', { path })).rejects.toThrow(ToolRefusedError);
      expect(snapshot()).toEqual(before);
      expect(readFileSync(join(layout.outside, 'secret.txt'), 'utf8')).toBe(secret);
    });
  }

  it('refuses a workspace that holds the state folder, even one that does not exist yet', async () => {
    const inner = createTestLayout();
    try {
      const stateFolder = join(inner.workspace, '.heed');
      const { ControlPlaneGuard } = await import('./control-plane-guard.ts');
      const guard = new ControlPlaneGuard({ protectedPaths: [stateFolder, join(stateFolder, 'heed.db')] });
      // Renaming the workspace's folders would let a tool put another state (or charter) where heed looks for it.
      await expect(createBuiltinTools({ workspace: inner.workspace, guard })).rejects.toThrow(
        /contains heed's control-plane path '.*\.heed'.*mkdir workspace/s,
      );
      mkdirSync(stateFolder);
      writeFileSync(join(stateFolder, 'heed.db'), 'DB');
      await expect(createBuiltinTools({ workspace: inner.workspace, guard })).rejects.toThrow(InvalidInputError);
    } finally {
      inner.remove();
    }
  });

  it('refuses a workspace that is itself a control-plane folder', async () => {
    await expect(createBuiltinTools({ workspace: layout.keysFolder, guard: layout.guard })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(createBuiltinTools({ workspace: join(layout.root, 'missing'), guard: layout.guard })).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('validateToolInput', () => {
  it('names every bad field and fills nothing into the caller object', () => {
    const tool = tools.get('write_file')!;
    const validation = validateToolInput(tool, { path: 3, extra: true });
    expect(validation.valid).toBe(false);
    if (validation.valid) return;
    expect(validation.errors).toEqual(
      expect.arrayContaining(['input.path: must be string', 'input.content: required', 'input.extra: unknown field']),
    );
    expect(validateToolInput(tool, 'not an object').valid).toBe(false);
    expect(validateToolInput(tool, ['array']).valid).toBe(false);
    expect(validateToolInput(tools.get('read_file')!, { path: '' }).valid).toBe(false);
    expect(validateToolInput(tools.get('read_file')!, { path: 'a', limit: 10 ** 9 }).valid).toBe(false);
  });
});
