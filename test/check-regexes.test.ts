import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRegexes } from '../scripts/check-regexes.ts';
import { findRegexes } from '../scripts/find-regexes.ts';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'heed-regexes-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('finding regular expressions', () => {
  it('finds literals and patterns built from the file’s string constants, and names the binding', () => {
    const { found, unchecked } = findRegexes(
      [
        "const word = '(?:ai|bot)';",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a file under test
        'export const greeting = new RegExp(String.raw`\\bhello\\s+${word}\\b`, "i");',
        'const plain = /a+b/g;',
        'function f(name: string) {',
        '  // dynamic-regex: one escaped literal',
        '  return new RegExp(escape(name));',
        '}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a file under test
        'const bare = RegExp(`x${Math.random()}`);',
      ].join('\n'),
    );
    expect(found).toEqual([
      { line: 2, name: 'greeting', source: String.raw`\bhello\s+(?:ai|bot)\b`, flags: 'i' },
      { line: 3, name: 'plain', source: 'a+b', flags: 'g' },
    ]);
    expect(unchecked).toEqual([
      { line: 6, name: undefined, reason: 'one escaped literal' },
      { line: 8, name: 'bare', reason: undefined },
    ]);
  });
});

describe('the ReDoS check', () => {
  it('names the file, line and pattern of a super-linear regex, and of an unexplained dynamic one', async () => {
    const folder = tree({
      'screening/bad.ts': 'export const nested = /^(a+)+$/;\nexport const fine = /^a+$/;\n',
      'kernel/dynamic.ts': 'export const built = (text: string) => new RegExp(text);\n',
      'lab/ignored.ts': 'export const skipped = /^(a+)+$/;\n',
    });
    const { problems, checked } = await checkRegexes([folder], { root: folder });
    expect(checked).toBe(2);
    expect(problems).toEqual([
      expect.objectContaining({ file: join('kernel', 'dynamic.ts'), line: 1, pattern: '(built at run time)' }),
      expect.objectContaining({
        file: join('screening', 'bad.ts'),
        line: 1,
        name: 'nested',
        pattern: '/^(a+)+$/',
        message: expect.stringMatching(/^backtracks super-linearly \(exponential\); attack string: /),
      }),
    ]);
  });
});
