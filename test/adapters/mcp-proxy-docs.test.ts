// The worked example of docs/adapters.md's MCP section, run as written with the real CLI, the MCP SDK's client and
// the reference filesystem server, in a folder of its own that shares the checkout's node_modules.
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { extractShellBlocks, runBlock } from '../../scripts/readme-examples.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('runs the worked example of heed proxy: a write held for a check, approved by a signed order, then a stop', async () => {
  const blocks = extractShellBlocks(readFileSync(join(root, 'docs/adapters.md'), 'utf8'), 'docs/adapters.md');
  const example = blocks.find((block) => block.heading.startsWith('Worked example: a call held for a check'));
  expect(example).toBeDefined();
  const folder = mkdtempSync(join(tmpdir(), 'heed-proxy-example-'));
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'));
  try {
    const outcome = await runBlock(example!, {
      folder,
      heed: `node ${join(root, 'bin', 'heed.js')}`,
      timeoutMs: 120_000,
    });
    expect(outcome.failures, outcome.output).toEqual([]);
    expect(outcome.ok).toBe(true);
    const client = readFileSync(join(folder, 'client.log'), 'utf8').trim().split('\n');
    expect(client[0]).toBe('read_text_file: ok: the quarterly numbers');
    expect(client[1]).toMatch(/^write_file: ok: /);
    expect(client[2]).toMatch(/^list_directory: refused: Not run: the agent is halted \(stop: stop order/);
    expect(readFileSync(join(folder, 'files', 'report.txt'), 'utf8')).toBe('Q3: up 4%\n');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}, 150_000);
