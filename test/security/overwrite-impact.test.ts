// Guarantee: an action is classed by what it would destroy, not by the tool's name. Overwriting or truncating an
// existing file is at least as grave as deleting it, so DWIMAC asks before either.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImpactClass, PolicyDecisionKind } from '../../src/charter/charter-schema.ts';
import { decideToolCall } from '../../src/kernel/policy/decide-tool-call.ts';
import type { Tool } from '../../src/kernel/tool.ts';
import { createBuiltinTools } from '../../src/kernel/tools/create-builtin-tools.ts';
import { createTestLayout, type TestLayout } from '../../src/kernel/tools/create-test-layout.ts';
import { createTestKernel, signOrder, testCharter } from '../kernel/kernel-fixture.ts';

const clock = { now: () => Date.now() };
let layout: TestLayout;
let tools: Map<string, Tool>;

beforeEach(async () => {
  layout = createTestLayout();
  const workspace = layout.workspace;
  writeFileSync(join(workspace, 'ledger.csv'), 'date,amount\n2026-01-01,100\n');
  writeFileSync(join(workspace, 'empty.txt'), '');
  mkdirSync(join(workspace, 'notes'));
  symlinkSync('ledger.csv', join(workspace, 'ledger-link.csv'));
  const built = await createBuiltinTools({ workspace, guard: layout.guard, shell: true });
  tools = new Map(built.map((tool) => [tool.name, tool]));
});
afterEach(() => layout.remove());

/** Every built-in tool and the input shapes that matter to what it changes, with the class and decision due. */
const table: Array<[tool: string, shape: string, input: Record<string, unknown>, ImpactClass, PolicyDecisionKind]> = [
  ['read_file', 'an existing file', { path: 'ledger.csv' }, 'read', 'allow'],
  ['read_file', 'a missing file', { path: 'nothing.txt' }, 'read', 'allow'],
  ['list_files', 'the workspace', {}, 'read', 'allow'],
  ['list_files', 'a folder', { path: 'notes' }, 'read', 'allow'],
  ['write_file', 'a new file', { path: 'new.txt', content: 'hello' }, 'write', 'allow'],
  ['write_file', 'a new file in a new folder', { path: 'a/b/new.txt', content: 'x' }, 'write', 'allow'],
  ['write_file', 'an append to an existing file', { path: 'ledger.csv', content: 'x', append: true }, 'write', 'allow'],
  ['write_file', 'an overwrite of an empty file', { path: 'empty.txt', content: 'x' }, 'write', 'allow'],
  ['write_file', 'an overwrite of an existing file', { path: 'ledger.csv', content: 'x' }, 'irreversible', 'check'],
  ['write_file', 'a truncation of an existing file', { path: 'ledger.csv', content: '' }, 'irreversible', 'check'],
  [
    'write_file',
    'an overwrite by another spelling',
    { path: './notes/../ledger.csv', content: '' },
    'irreversible',
    'check',
  ],
  ['write_file', 'an overwrite through a symlink', { path: 'ledger-link.csv', content: '' }, 'irreversible', 'check'],
  [
    'write_file',
    'an explicit append: false',
    { path: 'ledger.csv', content: '', append: false },
    'irreversible',
    'check',
  ],
  ['delete_file', 'an existing file', { path: 'ledger.csv' }, 'irreversible', 'check'],
  ['delete_file', 'an empty folder', { path: 'notes' }, 'irreversible', 'check'],
  ['shell', 'a command that reads', { command: 'cat ledger.csv' }, 'read', 'allow'],
  ['shell', 'a command that deletes', { command: 'rm ledger.csv' }, 'irreversible', 'check'],
  ['shell', 'a redirection over an existing file', { command: 'echo x > ledger.csv' }, 'irreversible', 'check'],
];

describe('the policy table over every built-in tool and input shape', () => {
  it('covers every built-in tool', () => {
    expect(new Set(table.map(([tool]) => tool))).toEqual(new Set(tools.keys()));
  });

  it.each(table)('%s, %s: %s', async (name, _shape, input, impact, decision) => {
    const tool = tools.get(name)!;
    const assessment = (await tool.assess?.(input)) ?? {};
    const policy = decideToolCall(testCharter(), tool, { assessment });
    expect(policy.impacts).toContain(impact);
    expect(policy.decision).toBe(decision);
  });
});

describe('overwriting goes to a check as deleting does', () => {
  it('write_file with empty content on an existing ledger waits for approval and leaves the ledger whole', async () => {
    const before = readFileSync(join(layout.workspace, 'ledger.csv'), 'utf8');
    const { kernel, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'ledger.csv', content: '' } }] }],
      tools: [...tools.values()],
    });
    kernel.deliver(signOrder('task', { text: 'tidy up' }, { clock }));
    expect(await kernel.run()).toMatchObject({ type: 'check', tool: 'write_file' });
    expect(readFileSync(join(layout.workspace, 'ledger.csv'), 'utf8')).toBe(before);
    expect(store.entries.find((entry) => entry.type === 'policy-decision')?.data).toMatchObject({
      impacts: ['irreversible', 'write'],
      decision: 'check',
      reason: expect.stringContaining("replaces the 27 bytes of the existing 'ledger.csv'"),
    });
    expect(store.entries.some((entry) => entry.type === 'tool-call-start')).toBe(false);
    await kernel.halt();
  });

  it('a tool whose assess throws is unclassified: the call waits for a check and does not run', async () => {
    let ran = false;
    const broken: Tool = {
      name: 'broken',
      description: 'x',
      inputSchema: { type: 'object' },
      impact: 'write',
      cooperative: true,
      assess: () => {
        throw new Error('no idea');
      },
      run: async () => {
        ran = true;
        return 'ran';
      },
    };
    const { kernel, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'broken', arguments: {} }] }, { text: 'done' }],
      tools: [broken],
    });
    kernel.deliver(signOrder('task', { text: 'go' }, { clock }));
    expect(await kernel.run()).toMatchObject({ type: 'check', tool: 'broken' });
    expect(ran).toBe(false);
    expect(store.entries.find((entry) => entry.type === 'policy-decision')?.data).toMatchObject({
      decision: 'check',
      unclassified: [expect.stringContaining('no idea')],
    });
    await kernel.halt();
  });
});
