import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool } from '../tool.ts';
import { createBuiltinTools } from './create-builtin-tools.ts';
import { createTestLayout, type TestLayout } from './create-test-layout.ts';
import { ToolRefusedError } from './tool-refused-error.ts';

// HEED_TEST_SIZE=long for many more spellings; HEED_TEST_SEED to replay one run.
const numRuns = process.env.HEED_TEST_SIZE === 'long' ? 3000 : 150;
const seed = process.env.HEED_TEST_SEED === undefined ? undefined : Number(process.env.HEED_TEST_SEED);

let layout: TestLayout;
let tools: Map<string, Tool>;

beforeAll(async () => {
  layout = createTestLayout();
  mkdirSync(join(layout.workspace, 'sub', 'deeper'), { recursive: true });
  symlinkSync(join(layout.root, 'control'), join(layout.workspace, 'control-link'));
  symlinkSync('/', join(layout.workspace, 'root-link'));
  symlinkSync('.', join(layout.workspace, 'self-link'));
  symlinkSync('sub/deeper', join(layout.workspace, 'deeper-link'));
  // (A workspace holding control-plane files is refused at start: file-tools.test.ts.)
  tools = new Map(
    (await createBuiltinTools({ workspace: layout.workspace, guard: layout.guard })).map((tool) => [tool.name, tool]),
  );
});
afterAll(() => layout.remove());

/** Ways to spell a detour that ends where it started, inside the workspace. */
const detour = fc.constantFrom('', './', 'sub/../', 'sub/deeper/../../', 'self-link/', 'deeper-link/../../', './/');

/** Ways to reach an absolute target from the workspace. */
function spell(target: string, route: number, before: string, after: string): string {
  const fromWorkspace = relative(layout.workspace, target);
  const fromControl = relative(join(layout.root, 'control'), target);
  switch (route) {
    case 0:
      return target;
    case 1:
      return `/proc/self/root${target}`;
    case 2:
      return `${before}${fromWorkspace}`;
    case 3:
      return `${before}root-link${target}`;
    case 4:
      return fromControl.startsWith('..')
        ? `${before}${fromWorkspace}`
        : `${before}control-link/${after}${fromControl}`;
    case 5:
      return `${layout.workspace}/${before}${fromWorkspace}`;
    default:
      return `/proc/${process.pid}/root${target}`;
  }
}

describe('no spelling of a path reaches the control plane or leaves the workspace', () => {
  it('is refused by every file tool, and nothing changes', async () => {
    const targets = [
      layout.charterFile,
      layout.keyFile,
      layout.keysFolder,
      layout.databaseFile,
      `${layout.databaseFile}-wal`,
      layout.stateFolder,
      join(layout.outside, 'secret.txt'),
      join(layout.installFolder, 'package.json'),
    ];
    const before = [layout.charterFile, layout.keyFile, layout.databaseFile].map((path) => readFileSync(path, 'utf8'));
    const context = { signal: new AbortController().signal, registerProcessGroup: () => {} };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.integer({ min: 0, max: 6 }),
        detour,
        detour,
        fc.boolean(),
        async (target, route, before, after, trailingSlash) => {
          const path = spell(target, route, before, after) + (trailingSlash ? '/' : '');
          for (const [name, input] of [
            ['read_file', { path }],
            ['write_file', { path, content: 'pwned' }],
            ['list_files', { path }],
            ['delete_file', { path }],
          ] as const) {
            const outcome = await tools
              .get(name)!
              .run(input, context)
              .then(
                (result) => ({ refused: false, detail: result }),
                (error: unknown) => ({ refused: error instanceof ToolRefusedError, detail: String(error) }),
              );
            expect(outcome.refused, `${name} ${path}: ${outcome.detail}`).toBe(true);
          }
        },
      ),
      { numRuns, ...(seed === undefined ? {} : { seed }) },
    );
    expect([layout.charterFile, layout.keyFile, layout.databaseFile].map((path) => readFileSync(path, 'utf8'))).toEqual(
      before,
    );
    expect(existsSync(`${layout.databaseFile}-wal`)).toBe(false);
    expect(readFileSync(join(layout.outside, 'secret.txt'), 'utf8')).toBe('OUTSIDE-SECRET\n');
  });
});
