import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tool } from '../tool.ts';
import { createBuiltinTools } from './create-builtin-tools.ts';
import { createTestLayout, type TestLayout } from './create-test-layout.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { Workspace } from './workspace.ts';

// HEED_TEST_SIZE=long runs many more racing calls.
const iterations = process.env.HEED_TEST_SIZE === 'long' ? 1000 : 60;

let layout: TestLayout;
beforeEach(() => {
  layout = createTestLayout();
  mkdirSync(join(layout.workspace, 'd', 'e'), { recursive: true });
  writeFileSync(join(layout.workspace, 'd', 'e', 'secret.txt'), 'INSIDE');
  mkdirSync(join(layout.outside, 'e'));
  writeFileSync(join(layout.outside, 'e', 'secret.txt'), 'OUTSIDE');
  writeFileSync(join(layout.outside, 'e', 'outside-only.txt'), 'OUTSIDE');
});
afterEach(() => layout.remove());

describe('a link swapped in after the check', () => {
  it('is detected when the judged folder no longer is what the path leads to', async () => {
    const workspace = await Workspace.open(layout.workspace, layout.guard);
    const location = workspace.locate('d/e/secret.txt', { followFinal: true });
    expect(location.allowed).toBe(true);
    if (!location.allowed) return;
    renameSync(join(layout.workspace, 'd'), join(layout.workspace, 'd-saved'));
    symlinkSync(layout.outside, join(layout.workspace, 'd'));
    const outcome = await workspace.withDirectory(location.directory, async () => 'used');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain('changed while it was being checked');
  });

  it('never lets a racing swapper redirect a read or a write outside the workspace', async () => {
    // A separate process swaps workspace/d between the real folder and a link to the outside folder.
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         const [d, saved, outside] = process.argv.slice(1);
         for (;;) {
           try { fs.renameSync(d, saved); fs.symlinkSync(outside, d); fs.unlinkSync(d); fs.renameSync(saved, d); } catch {}
         }`,
        join(layout.workspace, 'd'),
        join(layout.workspace, 'd-saved'),
        layout.outside,
      ],
      { stdio: 'ignore' },
    );
    try {
      const tools = new Map(
        (await createBuiltinTools({ workspace: layout.workspace, guard: layout.guard })).map((tool) => [
          tool.name,
          tool,
        ]),
      );
      const context = { signal: new AbortController().signal, registerProcessGroup: () => {} };
      const attempt = async (tool: Tool, input: Record<string, unknown>) => {
        try {
          return await tool.run(input, context);
        } catch (error) {
          if (error instanceof ToolRefusedError || error instanceof ToolFailedError) return undefined;
          throw error;
        }
      };
      for (let index = 0; index < iterations; index += 1) {
        const read = await attempt(tools.get('read_file')!, { path: 'd/e/secret.txt' });
        if (read !== undefined) expect(read).toBe('INSIDE');
        await attempt(tools.get('write_file')!, { path: `d/e/written-${index}.txt`, content: 'W' });
        await attempt(tools.get('list_files')!, { path: 'd/e' }).then((listing) => {
          if (listing !== undefined) expect(listing).not.toContain('outside-only');
        });
      }
    } finally {
      swapper.kill('SIGKILL');
    }
    expect(readFileSync(join(layout.outside, 'e', 'secret.txt'), 'utf8')).toBe('OUTSIDE');
    for (let index = 0; index < iterations; index += 1) {
      expect(existsSync(join(layout.outside, 'e', `written-${index}.txt`))).toBe(false);
    }
  });
});
