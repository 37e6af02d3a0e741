// Every shell example of README.md, and the worked example of docs/kernel.md, run as written in a fresh copy of
// the checkout (its files as git knows them, with the installed node_modules), with `npx heed` being that copy's
// bin/heed.js. The two that take most of a minute of CPU (the whole lab, two eval runs of the full suite) run with
// HEED_TEST_SIZE=long; .ci/consumer-test runs every block again, from an installed package.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blocksNotRun, documentedExamples, extractShellBlocks, runBlock } from '../../scripts/readme-examples.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const gitFiles = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter(Boolean);

/** A fresh clone after `npm ci`: the checkout's files and its node_modules. */
function freshClone(): string {
  const clone = mkdtempSync(join(tmpdir(), 'heed-clone-'));
  for (const file of gitFiles) {
    mkdirSync(join(clone, dirname(file)), { recursive: true });
    cpSync(join(root, file), join(clone, file), { errorOnExist: false });
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  return clone;
}

// The README's first block (the whole lab) and its eval runs: most of the CPU the examples take.
const long = process.env.HEED_TEST_SIZE === 'long';
const heavy = new Set(['heed', 'Evals: measure real models']);
const blocks = documentedExamples(root);
const blocksRun = blocks.filter((block) => long || !heavy.has(block.heading));

describe('the README examples, as written, from a fresh clone', () => {
  it('runs every block but those it names, with the reason', () => {
    const readme = extractShellBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md');
    expect(Object.keys(blocksNotRun)).toEqual(['Development']);
    expect(readme.map((block) => block.heading)).toEqual([
      'heed',
      "The lab: heed's main job",
      'Signed orders: the agent obeys its principals and no one else',
      'Stopping an agent that would rather not stop',
      'A fleet: `heed serve`',
      'Screening untrusted input',
      'Evals: measure real models',
      'Development',
    ]);
    expect(blocks.map((block) => block.where)).toEqual([
      ...readme.filter((block) => block.heading !== 'Development').map((block) => block.where),
      expect.stringMatching(/^docs\/kernel\.md:/),
    ]);
    expect(blocks[0]!.text.trim()).toMatch(/^npx heed lab/);
  });

  // Side by side: each block in a clone of its own, with its own ports.
  it(`runs ${blocksRun.length} of ${blocks.length} blocks${long ? '' : ' (the rest with HEED_TEST_SIZE=long)'} and every command ends as its comment says`, async () => {
    const outcomes = await Promise.all(
      blocksRun.map((block) => {
        const clone = freshClone();
        return runBlock(block, { folder: clone, heed: `node ${join(clone, 'bin', 'heed.js')}`, timeoutMs: 240_000 });
      }),
    );
    const failed = outcomes
      .filter((outcome) => !outcome.ok)
      .map(
        (outcome) =>
          `${outcome.block.where} (${outcome.block.heading}): ${outcome.failures.join('; ')}\n${outcome.output.slice(-3000)}`,
      );
    expect(failed).toEqual([]);
  }, 300_000);
});
