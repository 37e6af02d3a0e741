// The worked examples of docs/adapters.md (the framework guards), run as written: each in a folder of its own whose
// node_modules holds `heed` (this checkout, through its package exports) and the packages the example imports.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'adapters.md'), 'utf8');
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The TypeScript blocks of the section headed `heading`, in order. */
function examples(heading: string): string[] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/adapters.md has no section '${heading}'`);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((block) => block[1]!);
  if (blocks.length === 0) throw new Error(`the section '${heading}' has no ts block`);
  return blocks;
}

/** Runs the section's examples as one program: its TypeScript blocks saved as `files`, in order; the last is run. */
async function runExample(heading: string, ...files: string[]): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'heed-adapters-doc-'));
  folders.push(folder);
  mkdirSync(join(folder, 'node_modules', '@openai'), { recursive: true });
  mkdirSync(join(folder, 'node_modules', '@ai-sdk'), { recursive: true });
  symlinkSync(root, join(folder, 'node_modules', 'heed'));
  for (const name of ['@openai/agents', '@ai-sdk/openai-compatible', 'ai', 'openai', 'zod']) {
    symlinkSync(join(root, 'node_modules', name), join(folder, 'node_modules', name));
  }
  const blocks = examples(heading);
  files.forEach((file, index) => {
    writeFileSync(join(folder, file), `${blocks[index]}\n`);
  });
  const file = files.at(-1)!;
  // `development`: heed's package exports point at its sources, as an installed package's point at dist/.
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=development', file], {
    cwd: folder,
    timeout: 60_000,
  });
  return stdout;
}

describe('docs/adapters.md', () => {
  it('the OpenAI Agents JS example: a check approved by a signed order, then a stop', async () => {
    const output = await runExample('OpenAI Agents JS', 'guarded-agent.ts');
    expect(output).toMatch(
      /^check: send_email \{"body":"Revenue is up","subject":"Report","to":"carol@example.com"\}$/m,
    );
    expect(output).toMatch(/Last result: sent to carol@example.com/);
    expect(output).toMatch(/heed halted the run \(stop\): stop order \S+ signed by alice/);
  }, 90_000);

  it('the AI SDK example: an injection withheld, a forbidden tool denied, then a stop', async () => {
    const output = await runExample('Vercel AI SDK', 'guarded-tools.ts');
    expect(output).not.toMatch(/attacker@evil/);
    expect(output).toMatch(/^\[withheld/m);
    expect(output).toMatch(/^Denied by policy: .* The action was not run\.$/m);
    expect(output).toMatch(/heed halted the run \(stop\): stop order \S+ signed by alice/);
  }, 90_000);

  it('the isolated framework tool example: a stop ends a tool that ignores its signal, and its subprocess', async () => {
    const output = await runExample('Isolated framework tools', 'publish-report.ts', 'guarded-job.ts');
    expect(output.trim().split('\n')).toEqual([
      'publish_report runs in a process',
      expect.stringMatching(/^heed halted the run \(stop\): stop order \S+ signed by alice/),
      'halted; calls ended: 1',
      'never published',
    ]);
  }, 90_000);
});
